//! The exposition of one scrape: metric families with the Go exporter's
//! exact names and HELP texts, encoded through `prometheus-client`.
//!
//! Each collector adds samples to a [`MetricSet`]; the set keeps families in
//! first-use order and drops a second sample with the same name and labels
//! (a BMC reporting duplicate sensors must never fail the scrape, unlike
//! upstream's HTTP 500, issues #196/#189). The set implements
//! `prometheus_client::collector::Collector`, so the crate's text encoder
//! writes it (HELP verbatim: the registry's own `register` would append a
//! period to texts that already end in one).

use std::collections::HashSet;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;

/// One metric family: name, HELP, and its samples.
#[derive(Debug, Clone, PartialEq)]
struct Family {
    name: &'static str,
    help: &'static str,
    samples: Vec<(Vec<(String, String)>, f64)>,
}

/// The gauges collected in one scrape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricSet {
    families: Vec<Family>,
    seen: HashSet<(String, Vec<(String, String)>)>,
    duplicates: usize,
}

impl MetricSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a gauge sample. A repeated (name, labels) is dropped and counted.
    pub fn gauge(
        &mut self,
        name: &'static str,
        help: &'static str,
        labels: &[(&str, &str)],
        value: f64,
    ) {
        let labels: Vec<(String, String)> = labels
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        if !self.seen.insert((name.to_string(), labels.clone())) {
            self.duplicates = self.duplicates.saturating_add(1);
            return;
        }
        match self.families.iter_mut().find(|f| f.name == name) {
            Some(f) => f.samples.push((labels, value)),
            None => self.families.push(Family {
                name,
                help,
                samples: vec![(labels, value)],
            }),
        }
    }

    /// Samples dropped as duplicates.
    pub fn duplicates(&self) -> usize {
        self.duplicates
    }

    /// Appends all of `other`'s samples (duplicates dropped).
    pub fn extend(&mut self, other: MetricSet) {
        for f in other.families {
            for (labels, value) in f.samples {
                let l: Vec<(&str, &str)> = labels
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                self.gauge(f.name, f.help, &l, value);
            }
        }
    }

    /// The value of a sample, for tests.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let f = self.families.iter().find(|f| f.name == name)?;
        f.samples
            .iter()
            .find(|(l, _)| {
                l.len() == labels.len()
                    && l.iter()
                        .zip(labels)
                        .all(|((a, b), (c, d))| a == c && b == d)
            })
            .map(|(_, v)| *v)
    }

    /// Names of the families, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.families.iter().map(|f| f.name).collect()
    }

    /// Encodes in the OpenMetrics text format (with `# EOF`).
    pub fn encode_openmetrics(&self) -> String {
        let mut registry = Registry::default();
        registry.register_collector(Box::new(self.clone()));
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &registry);
        out
    }

    /// Encodes in the classic Prometheus text format (0.0.4).
    pub fn encode_text(&self) -> String {
        openmetrics_to_text(&self.encode_openmetrics())
    }
}

/// Turns OpenMetrics text into the classic Prometheus text format: no
/// `# EOF` and `# UNIT` lines, and counters' HELP/TYPE named like their
/// samples (`…_total`), as the classic format wants.
pub fn openmetrics_to_text(om: &str) -> String {
    let lines: Vec<&str> = om.lines().collect();
    let counters: std::collections::HashSet<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(om.len());
    for line in lines {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(name)
                .then(|| format!("{prefix}{name}_total {tail}"))
        });
        match renamed {
            Some(l) => out.push_str(&l),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

impl Collector for MetricSet {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), std::fmt::Error> {
        // Sorted like the Go client library: families by name, samples by
        // label values.
        let mut families: Vec<&Family> = self.families.iter().collect();
        families.sort_by_key(|f| f.name);
        for f in families {
            let mut metric = encoder.encode_descriptor(f.name, f.help, None, MetricType::Gauge)?;
            let mut samples: Vec<&(Vec<(String, String)>, f64)> = f.samples.iter().collect();
            samples.sort_by(|a, b| a.0.iter().map(|l| &l.1).cmp(b.0.iter().map(|l| &l.1)));
            if let [(labels, value)] = samples.as_slice() {
                if labels.is_empty() {
                    // A family without labels has exactly one sample.
                    ConstGauge::new(*value).encode(metric)?;
                    continue;
                }
            }
            for (labels, value) in samples {
                ConstGauge::new(*value).encode(metric.encode_family(labels)?)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_help_verbatim_and_drops_duplicates() {
        let mut m = MetricSet::new();
        let help = "Temperature reading in degree Celsius.";
        m.gauge(
            "ipmi_temperature_celsius",
            help,
            &[("id", "2"), ("name", "CPU1 Temp")],
            45.0,
        );
        m.gauge(
            "ipmi_temperature_celsius",
            help,
            &[("id", "2"), ("name", "CPU1 Temp")],
            46.0,
        );
        m.gauge(
            "ipmi_sensor_value",
            "Generic.",
            &[("id", "9"), ("name", "x"), ("type", "Fan")],
            f64::NAN,
        );
        m.gauge(
            "ipmi_bmc_watchdog_timer_state",
            "Watchdog timer running (1: running, 0: stopped)",
            &[],
            0.0,
        );
        assert_eq!(m.duplicates(), 1);
        let text = m.encode_text();
        assert!(
            text.contains(
                "# HELP ipmi_temperature_celsius Temperature reading in degree Celsius.\n"
            ),
            "{text}"
        );
        assert!(text.contains("# HELP ipmi_bmc_watchdog_timer_state Watchdog timer running (1: running, 0: stopped)\n"), "{text}");
        assert!(
            text.contains("ipmi_temperature_celsius{id=\"2\",name=\"CPU1 Temp\"} 45"),
            "{text}"
        );
        assert!(text.contains("NaN"), "{text}");
        assert!(!text.contains("# EOF"));
        assert!(m.encode_openmetrics().ends_with("# EOF\n"));
    }

    #[test]
    fn counters_renamed_for_the_classic_format() {
        let om = "# HELP x Things.\n# TYPE x counter\nx_total 3\n# EOF\n";
        assert_eq!(
            openmetrics_to_text(om),
            "# HELP x_total Things.\n# TYPE x_total counter\nx_total 3\n"
        );
    }
}
