//! Parser messages without secrets.
//!
//! TOML and YAML parsers describe an error with the offending value or
//! source line (`invalid type: integer `1234`, expected a string`, a
//! snippet of the line). When that line holds a password, the message would
//! carry it into the `/-/reload` answer, the log and stderr. So a parse
//! error is rendered here without source text, and every value written
//! under a secret key (`pass`, `password`, K_g, `key`, basic-auth hashes,
//! and misspellings such as `passwd`) is replaced in it by `<redacted>`.
//!
//! The values are found in the raw text, not through the parser (which has
//! just failed): for each line naming a secret key, the value after its `:`
//! or `=` (quoted, bare, or a YAML block below the key), its tokens and its
//! escaped forms. When the error points into such a value, quoted parts of
//! the message are dropped as well, unless they are key names.

/// Shown instead of a secret.
pub const REDACTED: &str = "<redacted>";

/// Key names (and other words) that may stay quoted in a message about a
/// secret's line: they are the schema's, not the user's.
const SCHEMA_WORDS: &[&str] = &[
    "modules",
    "targets",
    "allowed_targets",
    "module",
    "user",
    "pass",
    "privilege",
    "driver",
    "timeout",
    "collectors",
    "exclude_sensor_ids",
    "workaround_flags",
    "collector_cmd",
    "default_args",
    "custom_args",
    "sel_events",
    "cipher_suite",
    "password_file",
    "password_env",
    "kg_file",
    "exclude_sensor_names",
    "exclude_sensor_types",
    "name",
    "regex",
    "tls_server_config",
    "http_server_config",
    "basic_auth_users",
    "cert_file",
    "key_file",
    "cert",
    "key",
    "client_auth_type",
    "client_ca_file",
    "client_ca",
    "min_version",
    "max_version",
    "cipher_suites",
    "curve_preferences",
    "prefer_server_cipher_suites",
    "client_allowed_sans",
    "http2",
    "headers",
];

/// `true` for a key whose value is (or may be, misspelt) a secret.
fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    let k = k.rsplit('.').next().unwrap_or(&k);
    ["pas", "pw", "secret", "token", "kg", "k_g", "k-g"]
        .iter()
        .any(|w| k.contains(w))
        || k == "key"
}

/// The secrets written in one configuration text.
#[derive(Default)]
pub struct Secrets {
    /// Candidate strings, longest first.
    values: Vec<String>,
    /// Lines (0-based) that hold a secret key or its value.
    lines: Vec<usize>,
    /// The secret keys as written (`passwd`): names, shown in messages.
    keys: Vec<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("values", &self.values.len())
            .field("lines", &self.lines)
            .finish()
    }
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Where a key ends: a secret key word followed by its separator.
/// Returns the byte offset of the value's start in `line`, or `None`.
fn secret_value_start(line: &str) -> Vec<(&str, usize, bool)> {
    // (the key, offset after it, true when a separator followed)
    let mut found = Vec::new();
    let bytes = line.as_bytes();
    let mut word_start = None;
    for (i, c) in line
        .char_indices()
        .chain(std::iter::once((line.len(), ' ')))
    {
        let in_word = c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.';
        match (in_word, word_start) {
            (true, None) => word_start = Some(i),
            (false, Some(s)) => {
                word_start = None;
                let Some(word) = line.get(s..i) else { continue };
                if !is_secret_key(word) {
                    continue;
                }
                // Skip a closing quote, then spaces; then `:` or `=`.
                let mut j = i;
                if matches!(bytes.get(j), Some(b'"' | b'\'')) {
                    j += 1;
                }
                while matches!(bytes.get(j), Some(b' ' | b'\t')) {
                    j += 1;
                }
                if matches!(bytes.get(j), Some(b':' | b'=')) {
                    found.push((word, j + 1, true));
                } else {
                    found.push((word, i, false));
                }
            }
            _ => {}
        }
    }
    found
}

/// The end of a quoted value starting at `rest[0]` (the quote): the text
/// inside, and whether it was closed on this line.
fn quoted(rest: &str) -> (&str, bool) {
    let mut chars = rest.char_indices();
    let Some((_, q)) = chars.next() else {
        return (rest, false);
    };
    let mut escaped = false;
    for (i, c) in chars {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' && q == '"' {
            escaped = true;
            continue;
        }
        if c == q {
            return (rest.get(q.len_utf8()..i).unwrap_or(""), true);
        }
    }
    (rest.get(q.len_utf8()..).unwrap_or(""), false)
}

impl Secrets {
    /// Finds the secret values in `text` (TOML or YAML).
    pub fn scan(text: &str) -> Self {
        let lines: Vec<&str> = text.lines().collect();
        let mut s = Self::default();
        for (n, line) in lines.iter().enumerate() {
            for (key, start, separated) in secret_value_start(line) {
                s.lines.push(n);
                if separated {
                    s.keys
                        .push(key.rsplit('.').next().unwrap_or(key).to_string());
                }
                let rest = line.get(start..).unwrap_or("").trim();
                if !separated {
                    // `pass hunter2`: a missing separator; the words after
                    // the key are the value.
                    s.add_tokens(rest);
                    continue;
                }
                s.add_value(rest);
                let r = rest.trim_start_matches(['\'', '"']);
                let open_quote = rest.starts_with(['\'', '"']) && !quoted(rest).1;
                let block = rest.is_empty()
                    || rest.starts_with('#')
                    || rest.starts_with(['|', '>'])
                    || r.starts_with("''")
                    || r.starts_with("\"\"")
                    || open_quote;
                // The lines below that belong to the value: more indented
                // (a YAML block or continuation), or up to the closing
                // quote of a multi-line string.
                let base = indent(line);
                let mut joined = Vec::new();
                for (k, next) in lines.iter().enumerate().skip(n + 1) {
                    let more = indent(next) > base && !next.trim().is_empty();
                    if !(more || (block && open_quote)) {
                        break;
                    }
                    s.lines.push(k);
                    joined.push(next.trim());
                    s.add_value(next.trim());
                    if open_quote && next.contains(['"', '\'']) {
                        break;
                    }
                }
                if !joined.is_empty() {
                    s.add(joined.join("\n"));
                    s.add(joined.join(" "));
                }
            }
            // bcrypt hashes (basic_auth_users) wherever they are.
            for word in line.split(|c: char| c.is_whitespace() || "\"',{}[]".contains(c)) {
                if word.starts_with("$2") && word.len() > 7 {
                    s.lines.push(n);
                    s.add(word.to_string());
                }
            }
        }
        s.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        s.values.dedup();
        s.lines.sort_unstable();
        s.lines.dedup();
        s
    }

    /// The value text after a separator: as written, unquoted, unescaped,
    /// and its tokens.
    fn add_value(&mut self, rest: &str) {
        let rest = rest.trim();
        if rest.is_empty() {
            return;
        }
        self.add(rest.to_string());
        if rest.starts_with(['"', '\'']) {
            let (inner, _) = quoted(rest);
            self.add(inner.to_string());
            if inner.contains('\\') {
                self.add(unescape(inner));
            }
        } else if let Some(list) = rest.strip_prefix('[') {
            // A flow sequence: its items.
            let items = list.split(']').next().unwrap_or(list);
            self.add(items.trim().to_string());
            self.add_tokens(items);
        } else {
            // A bare value ends at a comment or a flow separator (in a
            // block, YAML keeps commas: both are candidates).
            let bare = rest
                .split(" #")
                .next()
                .unwrap_or(rest)
                .split([',', '}', ']'])
                .next()
                .unwrap_or(rest)
                .trim();
            self.add(bare.to_string());
            self.add_tokens(bare);
        }
    }

    fn add_tokens(&mut self, rest: &str) {
        for t in rest.split(|c: char| c.is_whitespace() || ",{}[]".contains(c)) {
            let t = t.trim_matches(['"', '\'']);
            self.add(t.to_string());
            if t.contains('\\') {
                self.add(unescape(t));
            }
        }
    }

    fn add(&mut self, v: String) {
        if v.is_empty() {
            return;
        }
        // How a parser may print it back: escaped as a Rust/JSON string.
        let escaped = format!("{v:?}");
        if let Some(inner) = escaped.strip_prefix('"').and_then(|e| e.strip_suffix('"')) {
            if inner != v {
                self.values.push(inner.to_string());
            }
        }
        self.values.push(v);
    }

    /// `true` when no secret was found.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `true` when 0-based `line` holds a secret key or value.
    pub fn on_line(&self, line: usize) -> bool {
        self.lines.binary_search(&line).is_ok()
    }

    /// `message` with every secret value replaced.
    pub fn redact(&self, message: &str) -> String {
        let mut out = message.to_string();
        for v in &self.values {
            out = replace_bounded(&out, v);
        }
        out
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Replaces `needle` in `hay`; where the needle starts or ends with a word
/// character, only where the text next to it is not one (a password `ab`
/// does not eat the `ab` of `table`).
fn replace_bounded(hay: &str, needle: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let first_word = word(needle.chars().next());
    let last_word = word(needle.chars().next_back());
    let mut out = String::with_capacity(hay.len());
    let mut rest = hay;
    while let Some(i) = rest.find(needle) {
        let (before, tail) = rest.split_at(i);
        let after = tail.get(needle.len()..).unwrap_or("");
        let prev = before
            .chars()
            .next_back()
            .or_else(|| out.chars().next_back());
        let glued = (first_word && word(prev)) || (last_word && word(after.chars().next()));
        let bounded = !glued;
        out.push_str(before);
        if bounded {
            out.push_str(REDACTED);
            rest = after;
        } else {
            // Keep one character and search again after it.
            let mut cs = tail.chars();
            if let Some(c) = cs.next() {
                out.push(c);
            }
            rest = cs.as_str();
        }
    }
    out.push_str(rest);
    out
}

/// Drops the quoted parts (`` `x` `` and `"x"`) of a message, except names
/// of the schema.
fn drop_quoted(message: &str, keys: &[String]) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(['`', '"']) {
        let (before, tail) = rest.split_at(i);
        out.push_str(before);
        let (inner, closed) = quoted(tail);
        let q = tail.chars().next().unwrap_or('"');
        // Schema names and syntax (`"`, `=`) stay.
        let syntax = !inner.is_empty()
            && inner.len() <= 3
            && inner.chars().all(|c| c.is_ascii_punctuation());
        let name = SCHEMA_WORDS.contains(&inner) || keys.iter().any(|k| k == inner);
        if closed && (name || syntax) {
            out.push(q);
            out.push_str(inner);
            out.push(q);
        } else {
            out.push_str(REDACTED);
        }
        let used = if closed { inner.len() + 2 } else { tail.len() };
        rest = tail.get(used..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// A TOML parse error as one line, `line L, column C: MESSAGE`, without
/// the source snippet and secrets.
pub fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let secrets = Secrets::scan(text);
    let message = e
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let Some(span) = e.span() else {
        return secrets.redact(&message);
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count();
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let message = if secrets.on_line(line) {
        drop_quoted(&message, &secrets.keys)
    } else {
        message
    };
    secrets.redact(&format!(
        "TOML parse error at line {}, column {column}: {message}",
        line + 1
    ))
}

/// A YAML parse error (which carries no source snippet) without secrets.
pub fn yaml_error(text: &str, e: &serde_yaml_ng::Error) -> String {
    let secrets = Secrets::scan(text);
    let message = e.to_string();
    let on_secret = e
        .location()
        .is_some_and(|l| secrets.on_line(l.line().saturating_sub(1)));
    let message = if on_secret {
        drop_quoted(&message, &secrets.keys)
    } else {
        message
    };
    secrets.redact(&message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_values_in_both_formats() {
        let s = Secrets::scan(
            "modules:\n  a:\n    pass: \"hun\\\"ter\"\n    passwd: bare # c\n    password: |\n      line1\n      line2\n    user: x\n",
        );
        let r = s.redact("x hun\\\"ter hun\"ter bare line1 line2 user");
        assert!(
            !r.contains("hun") && !r.contains("bare") && !r.contains("line"),
            "{r}"
        );
        assert!(r.ends_with("user"), "{r}");
        let s =
            Secrets::scan("[modules.a]\npass = 12345678\ndefault = { pass = 'abc', user = 'u' }\n");
        let r = s.redact("integer `12345678` string \"abc\" table u");
        assert_eq!(r, "integer `<redacted>` string \"<redacted>\" table u");
    }

    #[test]
    fn short_secrets_only_replace_whole_words() {
        let s = Secrets::scan("pass = \"ab\"\n");
        assert_eq!(s.redact("table `ab`"), "table `<redacted>`");
    }

    #[test]
    fn quoted_parts_dropped_except_schema_words() {
        assert_eq!(
            drop_quoted(
                "invalid type: string \"zz\", expected one of `user`, `pass`",
                &[]
            ),
            "invalid type: string <redacted>, expected one of `user`, `pass`"
        );
    }

    #[test]
    fn parser_messages_keep_their_position_and_lose_the_secret() {
        let sec = "Zq7PLANTEDxK9w";
        let tomls = [
            format!("[modules.default]\npass = \"{sec}\nuser = \"a\"\n"),
            format!("[modules.default]\npass = {sec}\n"),
            "[modules.default]\npass = 918273645546\n".to_string(),
            format!("[modules.default]\npass \"{sec}\"\n"),
            format!("[modules]\ndefault = {{ pass = \"{sec}\", timeout = \"x\" }}\n"),
        ];
        for t in &tomls {
            let e = toml::from_str::<crate::config::Config>(t).unwrap_err();
            let m = toml_error(t, &e);
            assert!(m.starts_with("TOML parse error at line 2, column "), "{m}");
            assert!(
                !m.contains(sec) && !m.contains("918273645546") && !m.contains('\n'),
                "{m}"
            );
        }
        let yamls = [
            format!("modules:\n  default: pass {sec}\n"),
            format!("modules:\n  default:\n    timeout: {sec}\n    pass: {sec}\n"),
        ];
        for t in &yamls {
            let e = serde_yaml_ng::from_str::<crate::config::Config>(t).unwrap_err();
            let m = yaml_error(t, &e);
            assert!(m.contains("invalid type") && m.contains("at line"), "{m}");
            assert!(!m.contains(sec), "{m}");
        }
    }
}
