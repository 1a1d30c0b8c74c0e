// The generated code must not depend on names in the caller's scope.
#![allow(dead_code, non_camel_case_types)]

struct Result;
struct Ok;
struct Err;
struct Option;
struct Some;
struct None;
struct String;
struct Vec;
struct Box;
struct Iterator;
struct IntoIterator;
struct Debug;
struct Clone;
struct Default;
struct PartialEq;
struct Serialize;
type i64 = u8;
type bool = ();
mod core {}
mod std {}
mod serde {}
mod chrono {}

containerflow::container_task! {
    pub struct Shadowed {
        name = "shadowed",
        image = "busybox:1.36",
        inputs = { text: String, count: i64, flag: bool },
        outputs = { total: i64 },
        command = ["echo", "{{.inputs.text}} {{.inputs.count}}"],
    }
}

fn main() {}
