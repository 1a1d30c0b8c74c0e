//! Data passing: one large file read by a chain of three containers, through
//! containerflow `File` inputs and through hand-made bind mounts.
//!
//! No copy of the file may be made. The engine's own writes are counted with
//! `/proc/self/io` around each run: `wchar` counts every byte this process
//! passed to `write`, `copy_file_range` and similar calls, and `write_bytes`
//! the bytes it caused to be written to storage. A copy of the file by this
//! process would show in both.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use crate::engine::{self, COUNT_BYTES_SCRIPT};
use crate::floor::{BindMount, Floor, JobDir, Network};
use crate::sections::millis;
use crate::stats::{differences, WriteCounters};
use crate::Context;

pub fn data_passing(context: &mut Context) {
    let (size, rounds) = if context.quick {
        (16 << 20, 1)
    } else {
        (1 << 30, 3)
    };
    let data = context.work.join("data");
    write_data(&data, size);

    let mut seconds = [Vec::new(), Vec::new()];
    let mut wchar = [Vec::new(), Vec::new()];
    let mut write_bytes = [Vec::new(), Vec::new()];
    for round in 0..rounds {
        for offset in 0..2 {
            let contender = (round + offset) % 2;
            let (before, started) = (WriteCounters::now(), Instant::now());
            let bytes = if contender == 0 {
                let run = engine::count_three_times(&context.executor, &data);
                context.runtime.block_on(run)
            } else {
                let run = count_by_hand(&context.floor, &context.work, &data, round);
                context.runtime.block_on(run)
            };
            seconds[contender].push(started.elapsed().as_secs_f64());
            let written = WriteCounters::now().since(before);
            wchar[contender].push(written.wchar as f64);
            write_bytes[contender].push(written.write_bytes as f64);
            assert_eq!(bytes, size as i64, "each container reads the whole file");
        }
    }
    std::fs::remove_file(&data).expect("remove the data file");

    let case = format!("{} MiB file, 3 chained tasks, none", size >> 20);
    let report = &mut context.report;
    report.add("data", case.clone(), "hand-made mounts", "s", &seconds[1]);
    let extra = millis(&differences(&seconds[0], &seconds[1]));
    report.add(
        "data",
        case.clone(),
        "containerflow minus hand-made",
        "ms",
        &extra,
    );
    let row = report.add(
        "data",
        case.clone(),
        "containerflow wchar",
        "bytes",
        &wchar[0],
    );
    row.target("< 1 MiB, no copy", |median| median < (1 << 20) as f64);
    let row = report.add(
        "data",
        case.clone(),
        "containerflow write_bytes",
        "bytes",
        &write_bytes[0],
    );
    row.target("< 1 MiB, no copy", |median| median < (1 << 20) as f64);
    report.add("data", case.clone(), "hand-made wchar", "bytes", &wchar[1]);
    report.add(
        "data",
        case,
        "hand-made write_bytes",
        "bytes",
        &write_bytes[1],
    );
}

/// Writes `size` bytes of a non-zero pattern, so the file has no holes.
fn write_data(path: &Path, size: usize) {
    let mut file = std::fs::File::create(path).expect("create the data file");
    let chunk = vec![0x5a_u8; 1 << 20];
    for _ in 0..size / chunk.len() {
        file.write_all(&chunk).expect("write the data file");
    }
    file.sync_all().expect("flush the data file");
}

/// Runs the three containers of the chain with hand-made bind mounts, one
/// after the other, and returns the last byte count.
async fn count_by_hand(floor: &Floor, work: &Path, data: &Path, round: usize) -> i64 {
    let mut bytes = 0;
    for step in 0..3 {
        let sequence = (1000 + round * 3 + step) as u64;
        let dir = JobDir::create(work, "hand", sequence);
        // The mount point must exist inside the read-only input mount.
        std::fs::write(dir.inputs().join("data"), b"").expect("create the mount point");
        let mut mounts = dir.mounts();
        mounts.push(BindMount {
            source: data.to_owned(),
            target: "/var/inputs/data",
            read_only: true,
        });
        let command = ["/bin/sh", "-c", COUNT_BYTES_SCRIPT];
        let code = floor.run(sequence, &command, &mounts, Network::None).await;
        assert_eq!(code, 0, "the hand-made count failed");
        bytes = dir.read_output("bytes").parse().expect("a byte count");
        dir.remove();
    }
    bytes
}
