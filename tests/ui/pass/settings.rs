// Every execution-settings key, and the defaults when they are left out.
use std::time::Duration;

use containerflow::{container_task, ContainerTask, RunAs, SecretSource, SecretSpec, Settings};

container_task! {
    pub struct Limited {
        name = "limited",
        image = "busybox:1.36",
        command = ["sh", "-c", "echo \"$API_TOKEN\" | wc -c"],
        env = { LANG: "C" },
        secrets = { API_TOKEN: env("HOST_TOKEN"), "KEY": file("/run/secrets/key") },
        timeout = "1m30.5s",
        retries = 3,
        retry_delay = "250ms",
        resources = { cpus: 0.5, memory: "512Mi" },
        user = "1000:2000",
    }
}

container_task! {
    pub struct Invoking {
        name = "invoking",
        image = "busybox:1.36",
        command = ["true"],
        resources = { cpus: 2 },
        user = Invoking,
    }
}

container_task! {
    pub struct SameGroup {
        name = "same_group",
        image = "busybox:1.36",
        command = ["true"],
        retry_delay = "0s",
        user = "65534",
    }
}

container_task! {
    pub struct Defaults {
        name = "defaults",
        image = "busybox:1.36",
        command = ["true"],
        user = Image,
    }
}

fn main() {
    let limited = <Limited as ContainerTask>::spec();
    assert_eq!(
        limited.settings,
        Settings {
            timeout: Some(Duration::from_millis(90_500)),
            retries: 3,
            retry_delay: Duration::from_millis(250),
            cpus: Some(0.5),
            memory: Some(512 * 1024 * 1024),
            user: RunAs::Id {
                uid: 1000,
                gid: 2000
            },
        }
    );
    assert_eq!(
        limited.secrets,
        [
            SecretSpec {
                name: "API_TOKEN",
                source: SecretSource::Env("HOST_TOKEN"),
            },
            SecretSpec {
                name: "KEY",
                source: SecretSource::File("/run/secrets/key"),
            },
        ]
    );

    let invoking = <Invoking as ContainerTask>::spec().settings;
    assert_eq!(invoking.cpus, Some(2.0));
    assert_eq!(invoking.user, RunAs::Invoking);

    let same_group = <SameGroup as ContainerTask>::spec().settings;
    assert_eq!(same_group.retry_delay, Duration::ZERO);
    assert_eq!(
        same_group.user,
        RunAs::Id {
            uid: 65534,
            gid: 65534
        }
    );

    assert_eq!(
        <Defaults as ContainerTask>::spec().settings,
        Settings::DEFAULT
    );
}
