//! Lint for the Grafana dashboards in `monitoring/dashboards`: every panel
//! and variable query parses as PromQL (with Grafana's variables
//! substituted), uses only metrics the exporter or the recording rules
//! produce, reads from the datasource variable, and hard-codes no server;
//! every data panel states its unit; the fleet dashboard links to the
//! server dashboard.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use promql_parser::label::Matchers;
use promql_parser::parser::{self, Expr};
use regex::Regex;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn dashboards() -> Vec<(PathBuf, Value)> {
    let dir = root().join("monitoring").join("dashboards");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("monitoring/dashboards")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "dashboards: {files:?}");
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read dashboard");
            let v: Value = serde_json::from_str(&text).expect("dashboard JSON");
            (p, v)
        })
        .collect()
}

/// Every panel, rows' nested panels included.
fn panels(d: &Value) -> Vec<&Value> {
    fn walk<'a>(ps: &'a Value, out: &mut Vec<&'a Value>) {
        for p in ps.as_array().into_iter().flatten() {
            out.push(p);
            if let Some(nested) = p.get("panels") {
                walk(nested, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&d["panels"], &mut out);
    out
}

fn variables(d: &Value) -> Vec<&Value> {
    d["templating"]["list"]
        .as_array()
        .map(|l| l.iter().collect())
        .unwrap_or_default()
}

fn title(p: &Value) -> String {
    p["title"].as_str().unwrap_or("<untitled>").to_string()
}

/// Grafana's variables replaced by values that keep the query valid:
/// interval variables by a duration, the dashboard's own variables (always
/// inside a label matcher's string) by a word.
fn substitute(expr: &str) -> String {
    let re =
        Regex::new(r"\$\{([A-Za-z0-9_]+)(:[a-z]+)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)\]\]")
            .expect("regex");
    re.replace_all(expr, |c: &regex::Captures<'_>| {
        let name = c
            .get(1)
            .or_else(|| c.get(3))
            .or_else(|| c.get(4))
            .map_or("", |m| m.as_str());
        if name.starts_with("__") {
            "5m".to_string()
        } else {
            "value".to_string()
        }
    })
    .into_owned()
}

fn selectors<'a>(e: &'a Expr, out: &mut Vec<(Option<&'a str>, &'a Matchers)>) {
    match e {
        Expr::Aggregate(a) => {
            selectors(&a.expr, out);
            if let Some(p) = &a.param {
                selectors(p, out);
            }
        }
        Expr::Unary(u) => selectors(&u.expr, out),
        Expr::Binary(b) => {
            selectors(&b.lhs, out);
            selectors(&b.rhs, out);
        }
        Expr::Paren(p) => selectors(&p.expr, out),
        Expr::Subquery(s) => selectors(&s.expr, out),
        Expr::VectorSelector(v) => out.push((v.name.as_deref(), &v.matchers)),
        Expr::MatrixSelector(m) => out.push((m.vs.name.as_deref(), &m.vs.matchers)),
        Expr::Call(c) => {
            for a in &c.args.args {
                selectors(a, out);
            }
        }
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) | Expr::Extension(_) => {}
    }
}

/// Metric names a dashboard may use: what the exporter's source names
/// (with the suffixes of counters and histograms), the recording rules'
/// outputs, and Prometheus's own per-target series.
fn known_metrics() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let literal = Regex::new(r#""(ipmi_[a-z0-9_]+)""#).expect("regex");
    let mut stack = vec![root().join("exporter").join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("exporter/src").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).expect("source");
                for c in literal.captures_iter(&text) {
                    let n = c[1].to_string();
                    for suffix in ["", "_total", "_bucket", "_sum", "_count"] {
                        names.insert(format!("{n}{suffix}"));
                    }
                }
            }
        }
    }
    let record = Regex::new(r"(?m)^\s*-?\s*record:\s*([A-Za-z0-9_:]+)").expect("regex");
    for f in std::fs::read_dir(root().join("monitoring").join("rules"))
        .expect("monitoring/rules")
        .flatten()
    {
        if f.path().extension().is_some_and(|x| x == "yml") {
            let text = std::fs::read_to_string(f.path()).expect("rules");
            for c in record.captures_iter(&text) {
                names.insert(c[1].to_string());
            }
        }
    }
    for n in [
        "up",
        "scrape_duration_seconds",
        "scrape_samples_scraped",
        "ALERTS",
    ] {
        names.insert(n.to_string());
    }
    names
}

/// Every PromQL query of a dashboard: panel targets and query variables
/// (`label_values(selector, label)`, `query_result(expr)` or a bare query).
fn queries(d: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in panels(d) {
        for t in p["targets"].as_array().into_iter().flatten() {
            if let Some(e) = t["expr"].as_str() {
                out.push((format!("panel \"{}\"", title(p)), e.to_string()));
            }
        }
    }
    let label_values =
        Regex::new(r"^\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$").expect("regex");
    let query_result = Regex::new(r"^\s*query_result\((.*)\)\s*$").expect("regex");
    for v in variables(d) {
        if v["type"] != "query" {
            continue;
        }
        let q = match &v["query"] {
            Value::String(s) => s.clone(),
            Value::Object(o) => o
                .get("query")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        };
        let name = format!("variable ${}", v["name"].as_str().unwrap_or("?"));
        if let Some(c) = label_values.captures(&q) {
            out.push((name, c[1].to_string()));
        } else if let Some(c) = query_result.captures(&q) {
            out.push((name, c[1].to_string()));
        } else if q.trim_start().starts_with("label_values(") {
            // label_values(label) without a selector: nothing to parse.
        } else {
            out.push((name, q));
        }
    }
    out
}

#[test]
fn every_query_parses_as_promql_and_uses_known_metrics() {
    let known = known_metrics();
    let mut checked = 0;
    let mut problems = Vec::new();
    for (path, d) in dashboards() {
        let file = path.file_name().map(|f| f.to_string_lossy().into_owned());
        let file = file.unwrap_or_default();
        for (place, q) in queries(&d) {
            checked += 1;
            match parser::parse(&substitute(&q)) {
                Err(e) => problems.push(format!("{file}: {place}: {q:?} does not parse: {e}")),
                Ok(expr) => {
                    let mut sels = Vec::new();
                    selectors(&expr, &mut sels);
                    if sels.is_empty() {
                        problems.push(format!("{file}: {place}: {q:?} selects no series"));
                    }
                    for (name, matchers) in sels {
                        let name = name.map(str::to_string).or_else(|| {
                            matchers
                                .matchers
                                .iter()
                                .find(|m| m.name == "__name__")
                                .map(|m| m.value.clone())
                        });
                        match name {
                            Some(n) if known.contains(&n) => {}
                            // A regular expression over names must match a known one.
                            Some(n) if n.contains(['(', '|', '.', '*']) => {
                                let re = Regex::new(&format!("^(?:{n})$")).expect("name regex");
                                if !known.iter().any(|k| re.is_match(k)) {
                                    problems.push(format!(
                                        "{file}: {place}: name pattern {n:?} matches no metric"
                                    ));
                                }
                            }
                            Some(n) => problems
                                .push(format!("{file}: {place}: unknown metric {n:?} in {q:?}")),
                            None => problems
                                .push(format!("{file}: {place}: selector without a metric name")),
                        }
                    }
                }
            }
        }
    }
    assert!(checked >= 40, "only {checked} queries found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_query_hard_codes_a_server() {
    let hard = Regex::new(
        r#"\b(instance|target|server_id|server_name|bmc_ip|job)\s*(=~|!~|!=|=)\s*"([^"]*)""#,
    )
    .expect("regex");
    let mut problems = Vec::new();
    for (path, d) in dashboards() {
        let file = path.display().to_string();
        for (place, q) in queries(&d) {
            for c in hard.captures_iter(&q) {
                let value = &c[3];
                if !(value.contains('$') || value.is_empty() || value == ".*" || value == ".+") {
                    problems.push(format!("{file}: {place}: {}{}\"{value}\"", &c[1], &c[2]));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "hard-coded servers:\n{}",
        problems.join("\n")
    );
}

fn uses_datasource_variable(ds: &Value) -> bool {
    match ds {
        Value::Object(o) => o
            .get("uid")
            .and_then(Value::as_str)
            .is_some_and(|u| u == "${datasource}" || u == "$datasource"),
        Value::String(s) => s == "${datasource}" || s == "$datasource",
        _ => false,
    }
}

#[test]
fn every_panel_and_variable_reads_the_datasource_variable() {
    let mut problems = Vec::new();
    for (path, d) in dashboards() {
        let file = path.display().to_string();
        let vars = variables(&d);
        let has_ds = vars
            .iter()
            .any(|v| v["type"] == "datasource" && v["query"] == "prometheus");
        if !has_ds {
            problems.push(format!("{file}: no datasource variable of type prometheus"));
        }
        for v in vars.iter().filter(|v| v["type"] == "query") {
            if !uses_datasource_variable(&v["datasource"]) {
                problems.push(format!(
                    "{file}: variable {} has a fixed datasource",
                    v["name"]
                ));
            }
        }
        for p in panels(&d) {
            let targets = p["targets"].as_array().map_or(0, Vec::len);
            if targets == 0 {
                continue;
            }
            if !uses_datasource_variable(&p["datasource"]) {
                problems.push(format!(
                    "{file}: panel \"{}\" has a fixed datasource",
                    title(p)
                ));
            }
            for t in p["targets"].as_array().into_iter().flatten() {
                if !t["datasource"].is_null() && !uses_datasource_variable(&t["datasource"]) {
                    problems.push(format!(
                        "{file}: a query of panel \"{}\" has a fixed datasource",
                        title(p)
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_data_panel_states_its_unit() {
    let data_panels = [
        "timeseries",
        "stat",
        "gauge",
        "bargauge",
        "table",
        "state-timeline",
        "status-history",
        "heatmap",
        "barchart",
    ];
    let mut problems = Vec::new();
    let mut checked = 0;
    for (path, d) in dashboards() {
        let file = path.display().to_string();
        for p in panels(&d) {
            let ty = p["type"].as_str().unwrap_or_default();
            if !data_panels.contains(&ty) {
                continue;
            }
            checked += 1;
            let unit = p["fieldConfig"]["defaults"]["unit"]
                .as_str()
                .unwrap_or_default();
            if unit.is_empty() {
                problems.push(format!("{file}: {ty} panel \"{}\" has no unit", title(p)));
            }
        }
    }
    assert!(checked >= 30, "only {checked} data panels");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn fleet_dashboard_links_to_the_server_dashboard() {
    let all = dashboards();
    let uid_of = |name: &str| {
        all.iter()
            .find(|(p, _)| p.to_string_lossy().contains(name))
            .and_then(|(_, d)| d["uid"].as_str().map(str::to_string))
            .expect("dashboard uid")
    };
    let server_uid = uid_of("ipmi-server");
    let fleet = &all
        .iter()
        .find(|(p, _)| p.to_string_lossy().contains("ipmi-fleet"))
        .expect("fleet dashboard")
        .1;
    let text = fleet.to_string();
    assert!(
        text.contains(&format!("/d/{server_uid}")),
        "the fleet dashboard has no link to /d/{server_uid}"
    );
    assert!(
        text.contains("var-instance"),
        "the fleet dashboard's links do not pass the instance variable"
    );
}

#[test]
fn substitution_keeps_queries_valid() {
    let q = r#"rate(ipmi_up{job=~"$job", instance="${instance}"}[$__rate_interval])"#;
    let s = substitute(q);
    assert!(parser::parse(&s).is_ok(), "{s}");
    assert!(parser::parse("rate(ipmi_up[").is_err());
}
