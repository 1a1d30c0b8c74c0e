//! The jobs of map nodes: one per element, gathered in input order.

use std::sync::atomic::AtomicU32;
use std::sync::Arc;
use std::time::Instant;

use crate::error::Error;
use crate::report::NodeState;
use crate::value::Value;

/// A map node whose elements are running.
pub(super) struct MapState {
    /// The lists mapped over, resolved when the node became ready.
    pub(super) lists: Vec<Vec<Value>>,
    /// The state of each element once it has finished.
    pub(super) results: Vec<Option<NodeState>>,
    /// The number of the attempt each element is on, 0 before its first.
    pub(super) attempts: Vec<Arc<AtomicU32>>,
    /// The number of elements that have not finished.
    pub(super) remaining: usize,
    pub(super) started: Instant,
}

impl MapState {
    /// Checks that the zipped lists have the same length and returns the
    /// state of a map with no element finished.
    pub(super) fn new(node: &str, lists: Vec<Vec<Value>>) -> Result<MapState, Error> {
        let count = lists.first().map_or(0, Vec::len);
        if let Some(other) = lists.iter().find(|list| list.len() != count) {
            return Err(Error::MapLengthMismatch {
                task: node.to_owned(),
                first: count,
                second: other.len(),
            });
        }
        Ok(MapState {
            lists,
            results: (0..count).map(|_| None).collect(),
            attempts: (0..count).map(|_| Arc::default()).collect(),
            remaining: count,
            started: Instant::now(),
        })
    }

    /// Returns the number of elements.
    pub(super) fn len(&self) -> usize {
        self.results.len()
    }

    /// Returns element `index` of list number `list`.
    pub(super) fn element(&self, list: usize, index: usize) -> Value {
        self.lists[list][index].clone()
    }

    /// Gathers the outputs of the elements, one list per output, in input
    /// order. Fails when fewer elements succeeded than `min_success_ratio`
    /// requires, or any failed without a ratio. With a ratio, a failed
    /// element's place in each list is [`Value::None`].
    pub(super) fn gather(
        &self,
        node: &str,
        output_count: usize,
        min_success_ratio: Option<f64>,
    ) -> Result<Vec<Value>, Error> {
        let mut gathered = vec![Vec::with_capacity(self.len()); output_count];
        let mut summary = String::new();
        let mut failed = 0;
        for (index, state) in self.results.iter().enumerate() {
            match state {
                Some(NodeState::Succeeded { outputs, .. }) => {
                    for (list, value) in gathered.iter_mut().zip(outputs) {
                        list.push(value.clone());
                    }
                    continue;
                }
                Some(NodeState::Failed { error, .. }) => {
                    summary.push_str(&format!("\n  [{index}] {error}"));
                }
                _ => {}
            }
            failed += 1;
            for list in &mut gathered {
                list.push(Value::None);
            }
        }
        let total = self.len();
        let succeeded = total - failed;
        let required = match min_success_ratio {
            None => total,
            Some(ratio) => required_successes(ratio, total),
        };
        if succeeded < required {
            return Err(Error::MapFailed {
                task: node.to_owned(),
                failed,
                total,
                required,
                min_success_ratio,
                summary,
            });
        }
        if failed > 0 {
            tracing::warn!(task = %node, failed, total, "map succeeded with failed elements");
        }
        Ok(gathered.into_iter().map(Value::List).collect())
    }
}

/// Returns the number of elements out of `total` that must succeed for the
/// fraction `ratio`: `ratio * total` rounded up. The product is first rounded
/// to 9 decimal places, so that a ratio such as 0.07, which no `f64` represents
/// exactly, requires 7 of 100 and not 8, because `0.07 * 100.0` is
/// `7.000000000000001`.
fn required_successes(ratio: f64, total: usize) -> usize {
    let product = ratio * total as f64;
    let rounded = (product * 1e9).round() / 1e9;
    rounded.ceil() as usize
}

/// Returns the name of element `index` of the map node `node`.
pub(super) fn element_name(node: &str, index: usize) -> String {
    format!("{node}[{index}]")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn succeeded(value: i64) -> Option<NodeState> {
        Some(NodeState::Succeeded {
            outputs: vec![Value::Int(value)],
            elapsed: Duration::ZERO,
        })
    }

    fn failed() -> Option<NodeState> {
        let error = Error::TaskReportedError {
            task: "m[1]".into(),
            message: "boom".into(),
        };
        Some(NodeState::Failed {
            error,
            elapsed: Duration::ZERO,
        })
    }

    #[test]
    fn zipped_lists_need_equal_lengths() {
        let lists = vec![vec![Value::Int(1)], vec![]];
        let error = MapState::new("m", lists).err().unwrap();
        assert!(
            matches!(
                error,
                Error::MapLengthMismatch {
                    first: 1,
                    second: 0,
                    ..
                }
            ),
            "{error}"
        );
    }

    #[test]
    fn gather_keeps_input_order() {
        let mut state = MapState::new("m", vec![vec![Value::Int(0); 3]]).unwrap();
        state.results = vec![succeeded(10), succeeded(11), succeeded(12)];
        let gathered = state.gather("m", 1, None).unwrap();
        let expected = Value::List(vec![Value::Int(10), Value::Int(11), Value::Int(12)]);
        assert_eq!(gathered, [expected]);
    }

    #[test]
    fn failure_without_ratio_fails_map() {
        let mut state = MapState::new("m", vec![vec![Value::Int(0); 2]]).unwrap();
        state.results = vec![succeeded(10), failed()];
        let error = state.gather("m", 1, None).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("1 of 2 elements failed"), "{message}");
        assert!(
            message.contains("[1] task `m[1]` reported an error: boom"),
            "{message}"
        );
    }

    #[test]
    fn required_successes_round_up_exact_products() {
        assert_eq!(required_successes(0.07, 100), 7);
        assert_eq!(required_successes(0.6, 5), 3);
        assert_eq!(required_successes(0.5, 3), 2);
        assert_eq!(required_successes(0.0, 10), 0);
        assert_eq!(required_successes(1.0, 10), 10);
        assert_eq!(required_successes(0.999, 1000), 999);
        for hundredths in 0..=100 {
            let ratio = f64::from(hundredths) / 100.0;
            assert_eq!(
                required_successes(ratio, 100),
                hundredths as usize,
                "{ratio}"
            );
        }
    }

    #[test]
    fn ratio_met_marks_failures_missing() {
        let mut state = MapState::new("m", vec![vec![Value::Int(0); 3]]).unwrap();
        state.results = vec![failed(), succeeded(11), succeeded(12)];
        let gathered = state.gather("m", 1, Some(0.5)).unwrap();
        let expected = Value::List(vec![Value::None, Value::Int(11), Value::Int(12)]);
        assert_eq!(gathered, [expected]);
        let message = state.gather("m", 1, Some(0.75)).unwrap_err().to_string();
        assert!(
            message.contains("1 of 3 elements failed, but 3 of 3 had to succeed for its minimum success ratio 0.75"),
            "{message}"
        );
    }
}
