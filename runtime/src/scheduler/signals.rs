//! SIGINT and SIGTERM as a stream the scheduler can wait on.

use tokio::signal::unix::{signal, Signal, SignalKind};

/// The signals a run stops on, or nothing when the run does not listen.
pub(super) struct Signals {
    listeners: Option<(Signal, Signal)>,
}

impl Signals {
    /// Starts listening when `enabled`. A listener that cannot be installed
    /// is logged and the run goes on without it.
    pub(super) fn install(enabled: bool) -> Self {
        if !enabled {
            return Signals { listeners: None };
        }
        let listeners = signal(SignalKind::interrupt()).and_then(|interrupt| {
            signal(SignalKind::terminate()).map(|terminate| (interrupt, terminate))
        });
        match listeners {
            Ok(listeners) => Signals {
                listeners: Some(listeners),
            },
            Err(error) => {
                tracing::warn!(error = %error, "cannot listen for SIGINT and SIGTERM");
                Signals { listeners: None }
            }
        }
    }

    /// Waits for the next signal and returns its name; never returns when
    /// the run does not listen.
    pub(super) async fn recv(&mut self) -> &'static str {
        let Some((interrupt, terminate)) = &mut self.listeners else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        }
    }
}
