//! The rows of the results table, printed as Markdown and written as JSON.

use std::path::Path;

use crate::stats::{summarize, Summary};

/// One measured quantity, summarized over the rounds of its section.
pub struct Row {
    pub section: &'static str,
    pub case: String,
    pub measure: String,
    pub unit: &'static str,
    pub summary: Summary,
    pub target: Option<Target>,
}

/// A target from the benchmark's brief and whether the median reaches it.
pub struct Target {
    pub text: &'static str,
    pub met: bool,
}

#[derive(Default)]
pub struct Report {
    rows: Vec<Row>,
}

impl Report {
    /// Adds a row summarizing `values`, and prints it at once on standard error.
    pub fn add(
        &mut self,
        section: &'static str,
        case: impl Into<String>,
        measure: impl Into<String>,
        unit: &'static str,
        values: &[f64],
    ) -> &mut Row {
        let row = Row {
            section,
            case: case.into(),
            measure: measure.into(),
            unit,
            summary: summarize(values),
            target: None,
        };
        eprintln!("  {}", row.markdown());
        self.rows.push(row);
        self.rows.last_mut().expect("a row was just added")
    }

    pub fn print(&self) {
        println!("| section | case | measure | median | p25 | p75 | n | unit | target |");
        println!("|---|---|---|---:|---:|---:|---:|---|---|");
        for row in &self.rows {
            println!("{}", row.markdown());
        }
    }

    pub fn write_json(&self, path: &Path) {
        let rows: Vec<serde_json::Value> = self.rows.iter().map(Row::json).collect();
        let text = serde_json::to_string_pretty(&rows).expect("rows serialize");
        std::fs::create_dir_all(path.parent().expect("a file in a directory"))
            .expect("create the results directory");
        std::fs::write(path, text).expect("write the results");
    }
}

impl Row {
    /// Sets the target, met when `met` holds for the median.
    pub fn target(&mut self, text: &'static str, met: impl Fn(f64) -> bool) {
        let met = met(self.summary.median);
        eprintln!("    target {text}: {}", if met { "met" } else { "missed" });
        self.target = Some(Target { text, met });
    }

    fn markdown(&self) -> String {
        let Summary {
            median,
            p25,
            p75,
            count,
        } = self.summary;
        let target = match &self.target {
            Some(target) if target.met => format!("{} (met)", target.text),
            Some(target) => format!("{} (missed)", target.text),
            None => String::new(),
        };
        format!(
            "| {} | {} | {} | {} | {} | {} | {count} | {} | {target} |",
            self.section,
            self.case,
            self.measure,
            format_number(median),
            format_number(p25),
            format_number(p75),
            self.unit,
        )
    }

    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "section": self.section,
            "case": self.case,
            "measure": self.measure,
            "unit": self.unit,
            "median": self.summary.median,
            "p25": self.summary.p25,
            "p75": self.summary.p75,
            "samples": self.summary.count,
            "target": self.target.as_ref().map(|target| target.text),
            "met": self.target.as_ref().map(|target| target.met),
        })
    }
}

/// Formats with three significant digits or more, and whole numbers plainly.
fn format_number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 100.0 || value.fract() == 0.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else if magnitude >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}
