//! `File` and `Dir` inputs and outputs, and the host directories of jobs.

use containerflow_runtime::{
    ArgTemplate, Dir, DockerExecutor, File, Quoting, Segment, TaskSpec, Value, ValueType,
};

use crate::common::*;

static READ_FILE: TaskSpec = TaskSpec {
    name: "read_file",
    inputs: &[param("data", ValueType::File)],
    outputs: &[
        param("copy", ValueType::String),
        param("overwrite", ValueType::String),
        param("create", ValueType::String),
    ],
    arguments: &[text!(
        "cat /var/inputs/data > /var/outputs/copy; \
         if echo changed > /var/inputs/data; then echo written; else echo rejected; fi > /var/outputs/overwrite; \
         if touch /var/inputs/new; then echo written; else echo rejected; fi > /var/outputs/create"
    )],
    ..BASE
};

#[tokio::test]
async fn file_input_is_read_only() {
    let executor = executor().await;
    let host = tempfile::tempdir().unwrap();
    let data = host.path().join("data.txt");
    std::fs::write(&data, "original").unwrap();
    let modified = std::fs::metadata(&data).unwrap().modified().unwrap();

    let outputs = run(&executor, &READ_FILE, vec![Value::File(File::new(&data))])
        .await
        .unwrap();
    assert_eq!(outputs[0], Value::String("original".into()));
    assert_eq!(
        outputs[1],
        Value::String("rejected".into()),
        "writing the mounted file"
    );
    assert_eq!(
        outputs[2],
        Value::String("rejected".into()),
        "creating a file in the input dir"
    );
    assert_eq!(std::fs::read_to_string(&data).unwrap(), "original");
    assert_eq!(
        std::fs::metadata(&data).unwrap().modified().unwrap(),
        modified
    );
    assert_cleaned_up(executor).await;
}

static READ_DIR: TaskSpec = TaskSpec {
    name: "read_dir",
    inputs: &[param("tree", ValueType::Dir)],
    outputs: &[param("nested", ValueType::String), param("create", ValueType::String)],
    arguments: &[text!(
        "cat /var/inputs/tree/sub/leaf.txt > /var/outputs/nested; \
         if touch /var/inputs/tree/new; then echo written; else echo rejected; fi > /var/outputs/create"
    )],
    ..BASE
};

#[tokio::test]
async fn dir_input_is_read_only() {
    let executor = executor().await;
    let host = tempfile::tempdir().unwrap();
    std::fs::create_dir(host.path().join("sub")).unwrap();
    std::fs::write(host.path().join("sub/leaf.txt"), "leaf").unwrap();

    let inputs = vec![Value::Dir(Dir::new(host.path()))];
    let outputs = run(&executor, &READ_DIR, inputs).await.unwrap();
    assert_eq!(outputs[0], Value::String("leaf".into()));
    assert_eq!(outputs[1], Value::String("rejected".into()));
    assert!(!host.path().join("new").exists());
    assert_cleaned_up(executor).await;
}

static WRITE_PATHS: TaskSpec = TaskSpec {
    name: "write_paths",
    outputs: &[
        param("report", ValueType::File),
        param("tree", ValueType::Dir),
    ],
    arguments: &[text!(
        "echo 'report body' > /var/outputs/report && \
         mkdir -p /var/outputs/tree/sub && echo leaf > /var/outputs/tree/sub/leaf.txt"
    )],
    ..BASE
};

#[tokio::test]
async fn file_and_dir_outputs_point_into_work_dir() {
    let executor = executor().await;
    let outputs = run(&executor, &WRITE_PATHS, vec![]).await.unwrap();

    let Value::File(report) = &outputs[0] else {
        panic!("expected a File: {outputs:?}")
    };
    assert!(
        report.path().starts_with(executor.work_dir()),
        "{}",
        report.path().display()
    );
    assert_eq!(
        std::fs::read_to_string(report.path()).unwrap(),
        "report body\n"
    );

    let Value::Dir(tree) = &outputs[1] else {
        panic!("expected a Dir: {outputs:?}")
    };
    assert!(
        tree.path().starts_with(executor.work_dir()),
        "{}",
        tree.path().display()
    );
    assert_eq!(
        std::fs::read_to_string(tree.path().join("sub/leaf.txt")).unwrap(),
        "leaf\n"
    );

    // The job directory keeps `outputs/` for downstream jobs, not `inputs/`.
    let job_dir = report.path().parent().unwrap().parent().unwrap();
    assert!(!job_dir.join("inputs").exists());
    assert!(job_dir.join("outputs").is_dir());
    assert_cleaned_up(executor).await;
}

static WRITE_TREE: TaskSpec = TaskSpec {
    name: "write_tree",
    inputs: &[param("extra", ValueType::String)],
    outputs: &[param("tree", ValueType::Dir)],
    arguments: &[text!(
        "mkdir -p /var/outputs/tree/sub && echo leaf > /var/outputs/tree/sub/leaf.txt && \
         ln -s sub/leaf.txt /var/outputs/tree/latest && \
         cd /var/outputs/tree && sh -c \"$(cat /var/inputs/extra)\""
    )],
    ..BASE
};

#[tokio::test]
async fn dir_output_links_stay_inside() {
    let executor = executor().await;
    let extra = |script: &str| vec![Value::String(script.to_owned())];

    let outputs = run(&executor, &WRITE_TREE, extra("true")).await.unwrap();
    let Value::Dir(tree) = &outputs[0] else {
        panic!("expected a Dir: {outputs:?}")
    };
    assert_eq!(
        std::fs::read_to_string(tree.path().join("latest")).unwrap(),
        "leaf\n"
    );

    let cases = [
        ("ln -s / root", "a symbolic link `root` to `/`"),
        (
            "ln -s /etc/shadow sub/secret",
            "a symbolic link `sub/secret` to `/etc/shadow`",
        ),
        ("ln -s ../.. up", "a symbolic link `up` to `../..`"),
        (
            "ln -s missing dangling",
            "a symbolic link `dangling` to `missing`",
        ),
        ("mkfifo sub/pipe", "a special file `sub/pipe`"),
    ];
    for (script, found) in cases {
        let error = run(&executor, &WRITE_TREE, extra(script))
            .await
            .unwrap_err();
        let message = error.to_string();
        assert!(message.contains(found), "{script}: {message}");
        assert!(
            message.contains("relative symbolic links that resolve inside it"),
            "{script}: {message}"
        );
    }
    assert_cleaned_up(executor).await;
}

/// Appends a line to the text of its input file and outputs the new file.
static APPEND: TaskSpec = TaskSpec {
    name: "append",
    inputs: &[
        param("previous", ValueType::File),
        param("line", ValueType::String),
    ],
    outputs: &[param("next", ValueType::File)],
    arguments: &[ArgTemplate {
        source: "cat /var/inputs/previous > /var/outputs/next && echo {{.inputs.line}} >> ...",
        segments: &[
            Segment::Text("cat /var/inputs/previous > /var/outputs/next && echo "),
            input(1, Quoting::ShellBare),
            Segment::Text(" >> /var/outputs/next"),
        ],
    }],
    ..BASE
};

#[tokio::test]
async fn file_passes_through_three_jobs() {
    let executor = executor().await;
    let host = tempfile::tempdir().unwrap();
    let start = host.path().join("start.txt");
    std::fs::write(&start, "zero\n").unwrap();

    let mut file = Value::File(File::new(&start));
    for line in ["one", "two", "three"] {
        let outputs = run(&executor, &APPEND, vec![file, Value::String(line.into())]).await;
        file = outputs.unwrap().remove(0);
    }
    assert_eq!(file_text(&file), "zero\none\ntwo\nthree\n");
    assert_eq!(std::fs::read_to_string(&start).unwrap(), "zero\n");
    assert_cleaned_up(executor).await;
}

static PRINT: TaskSpec = TaskSpec {
    name: "print",
    outputs: &[param("out", ValueType::Int)],
    arguments: &[text!("echo 7 > /var/outputs/out")],
    ..BASE
};

#[tokio::test]
async fn scalar_job_leaves_no_directory() {
    let executor = executor().await;
    let outputs = run(&executor, &PRINT, vec![]).await.unwrap();
    assert_eq!(outputs, [Value::Int(7)]);
    assert_eq!(work_dir_entries(&executor), 0);
    assert_cleaned_up(executor).await;
}

#[tokio::test]
async fn default_work_dir_removed_on_drop() {
    let executor = executor().await;
    let outputs = run(&executor, &WRITE_PATHS, vec![]).await.unwrap();
    let work_dir = executor.work_dir().to_owned();
    assert!(work_dir.is_dir());
    assert_eq!(outputs.len(), 2);
    drop(executor);
    assert!(!work_dir.exists());
}

#[tokio::test]
async fn given_work_dir_is_kept() {
    let host = tempfile::tempdir().unwrap();
    let root = host.path().join("nested/work");
    let executor = DockerExecutor::builder()
        .work_dir(&root)
        .connect()
        .await
        .unwrap();
    let outputs = run(&executor, &WRITE_PATHS, vec![]).await.unwrap();

    let Value::File(report) = &outputs[0] else {
        panic!("expected a File: {outputs:?}")
    };
    let root = std::fs::canonicalize(&root).unwrap();
    assert!(
        report.path().starts_with(&root),
        "{}",
        report.path().display()
    );
    assert_no_containers(&executor).await;
    drop(executor);
    assert!(report.path().is_file());
}

#[tokio::test]
async fn reused_work_dir_gets_new_job_dirs() {
    let host = tempfile::tempdir().unwrap();
    let mut reports = Vec::new();
    // Two executors number their jobs from zero in the same directory.
    for _ in 0..2 {
        let executor = DockerExecutor::builder()
            .work_dir(host.path())
            .connect()
            .await
            .unwrap();
        let outputs = run(&executor, &WRITE_PATHS, vec![]).await.unwrap();
        reports.push(outputs[0].clone());
    }
    assert_ne!(reports[0], reports[1]);
    for report in &reports {
        assert_eq!(file_text(report), "report body\n");
    }
}

static WRITES_PRIVATE_TREE: TaskSpec = TaskSpec {
    name: "writes_private_tree",
    outputs: &[param("tree", ValueType::Dir)],
    arguments: &[text!(
        "mkdir -m 0700 /var/outputs/tree \
         && echo private > /var/outputs/tree/data \
         && chmod 0600 /var/outputs/tree/data"
    )],
    ..BASE
};

static READS_TREE_AS_USER: TaskSpec = TaskSpec {
    name: "reads_tree_as_user",
    inputs: &[param("tree", ValueType::Dir)],
    outputs: &[param("copy", ValueType::String)],
    arguments: &[text!("cat /var/inputs/tree/data > /var/outputs/copy")],
    settings: containerflow_runtime::Settings {
        user: containerflow_runtime::RunAs::Id {
            uid: 1000,
            gid: 1000,
        },
        ..containerflow_runtime::Settings::DEFAULT
    },
    ..BASE
};

#[tokio::test]
async fn root_outputs_readable_downstream() {
    use std::os::unix::fs::PermissionsExt;

    let executor = executor().await;
    let outputs = run(&executor, &WRITES_PRIVATE_TREE, vec![]).await.unwrap();
    let Value::Dir(tree) = &outputs[0] else {
        panic!("expected a Dir, got {outputs:?}");
    };
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(tree.path()), 0o755);
    assert_eq!(mode(&tree.path().join("data")), 0o644);

    let copied = run(&executor, &READS_TREE_AS_USER, outputs.clone())
        .await
        .unwrap();
    assert_eq!(copied, [Value::String("private".into())]);
    assert_cleaned_up(executor).await;
}
