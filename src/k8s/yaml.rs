//! The block-style YAML that `oc`/`kubectl get -o yaml` write (must-gather pod files),
//! read into a `serde_json::Value`: mappings, sequences (also at their key's
//! indentation), block scalars (`|`, `|-`, `>`), quoted and plain scalars, empty flow
//! collections. Anchors, tags and multi-line flow collections are not Kubernetes
//! output and are read as plain strings.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use serde_json::{Map, Value};

/// Nesting deeper than this is not Kubernetes output; the reader stops there rather
/// than recurse on (a hostile document would overflow the stack).
pub const MAX_DEPTH: usize = 128;

struct Line<'a> {
    indent: usize,
    text: &'a str,
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    /// The next line to read.
    i: usize,
    too_deep: bool,
}

/// Parses one YAML document (the first, when there are several). A document nesting
/// deeper than [`MAX_DEPTH`] levels is read up to there.
pub fn parse(src: &str) -> Value {
    parse_reporting(src).0
}

/// As [`parse`], with a one-line warning when the document nests deeper than
/// [`MAX_DEPTH`] levels (the value is then what was read before that).
pub fn parse_reporting(src: &str) -> (Value, Option<String>) {
    let lines: Vec<Line> = src
        .lines()
        .map(|l| l.trim_end())
        .filter(|l| {
            let t = l.trim_start();
            !t.is_empty() && !t.starts_with('#')
        })
        .skip_while(|l| *l == "---")
        .take_while(|l| *l != "---")
        .map(|l| Line {
            indent: l.len() - l.trim_start().len(),
            text: l.trim_start(),
        })
        .collect();
    let Some(indent) = lines.first().map(|l| l.indent) else {
        return (Value::Null, None);
    };
    let mut r = Reader {
        lines,
        i: 0,
        too_deep: false,
    };
    let v = r.block(indent, 0);
    let warning = r.too_deep.then(|| {
        format!("YAML nested deeper than {MAX_DEPTH} levels; the rest of the document was not read")
    });
    (v, warning)
}

fn is_item(t: &str) -> bool {
    t == "-" || t.starts_with("- ")
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<&Line<'a>> {
        self.lines.get(self.i)
    }

    /// The next line's text if it sits at `indent` and is (or is not) a sequence item.
    fn next_at(&self, indent: usize, item: bool) -> Option<&'a str> {
        self.peek()
            .filter(|l| l.indent == indent && is_item(l.text) == item)
            .map(|l| l.text)
    }

    /// False past [`MAX_DEPTH`]: the reader then stops (no line is left to read).
    fn descend(&mut self, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            self.too_deep = true;
            self.i = self.lines.len();
            return false;
        }
        true
    }

    fn block(&mut self, indent: usize, depth: usize) -> Value {
        match self.peek() {
            None => Value::Null,
            Some(l) if is_item(l.text) => self.sequence(indent, depth),
            Some(_) => self.mapping(indent, depth),
        }
    }

    fn mapping(&mut self, indent: usize, depth: usize) -> Value {
        let mut map = Map::new();
        if !self.descend(depth) {
            return Value::Object(map);
        }
        while let Some(text) = self.next_at(indent, false) {
            self.i += 1;
            let Some((key, rest)) = split_key(text) else {
                continue;
            };
            let value = self.value_after_key(indent, rest, depth);
            map.insert(key, value);
        }
        Value::Object(map)
    }

    /// The value of `key: rest` whose line was just consumed.
    fn value_after_key(&mut self, indent: usize, rest: &'a str, depth: usize) -> Value {
        match rest {
            "" => match self.peek() {
                Some(n) if n.indent > indent => self.block(n.indent, depth + 1),
                // A sequence may sit at its key's indentation.
                Some(n) if n.indent == indent && is_item(n.text) => {
                    self.sequence(indent, depth + 1)
                }
                _ => Value::Null,
            },
            r if r.starts_with('|') || r.starts_with('>') => {
                let mut parts = Vec::new();
                while let Some(l) = self.peek().filter(|l| l.indent > indent) {
                    parts.push(l.text);
                    self.i += 1;
                }
                Value::String(parts.join(if r.starts_with('>') { " " } else { "\n" }))
            }
            r => scalar(r),
        }
    }

    fn sequence(&mut self, indent: usize, depth: usize) -> Value {
        let mut items = Vec::new();
        if !self.descend(depth) {
            return Value::Array(items);
        }
        while let Some(text) = self.next_at(indent, true) {
            let rest = text.strip_prefix('-').unwrap_or(text).trim_start();
            let item_indent = indent + (text.len() - rest.len());
            self.i += 1;
            if rest.is_empty() {
                items.push(match self.peek() {
                    Some(n) if n.indent > indent => self.block(n.indent, depth + 1),
                    _ => Value::Null,
                });
            } else if let Some((key, value)) = split_key(rest) {
                // "- key: value" opens a mapping whose other keys sit at item_indent.
                let mut map = Map::new();
                let first = self.value_after_key(item_indent, value, depth + 1);
                map.insert(key, first);
                if let Value::Object(more) = self.mapping(item_indent, depth + 1) {
                    map.extend(more);
                }
                items.push(Value::Object(map));
            } else {
                items.push(scalar(rest));
            }
        }
        Value::Array(items)
    }
}

/// `key: value` → (key, value); a colon inside quotes or without a following space is
/// not a separator.
fn split_key(t: &str) -> Option<(String, &str)> {
    let (key, rest) = if let Some(q) = t.strip_prefix('"') {
        let (key, after) = q.split_once('"')?;
        (key, after.strip_prefix(':')?)
    } else if let Some(split) = t.split_once(": ") {
        split
    } else {
        (t.strip_suffix(':')?, "")
    };
    Some((key.to_string(), rest.trim()))
}

fn scalar(r: &str) -> Value {
    let r = r.split(" #").next().unwrap_or(r).trim();
    if let Some(s) = r.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return Value::String(s.replace("\\\"", "\""));
    }
    if let Some(s) = r.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return Value::String(s.replace("''", "'"));
    }
    match r {
        "[]" => return Value::Array(Vec::new()),
        "{}" => return Value::Object(Map::new()),
        "null" | "~" => return Value::Null,
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(n) = r.parse::<i64>() {
        return Value::from(n);
    }
    Value::String(r.to_string())
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pod_yaml() {
        let v = parse(
            r#"apiVersion: v1
kind: Pod
metadata:
  annotations:
    k8s.v1.cni.cncf.io/network-status: |-
      [{
          "name": "openshift-sdn"
      }]
  name: checkout-7c9f8d-x2k4p
  namespace: shop
  uid: 7d1c9a52-3b8e-4f21-9c6a-0e5d2b7f4a10
spec:
  containers:
  - image: quay.io/shop/checkout:1.2
    name: app
    resources:
      limits:
        memory: 512Mi
      requests:
        memory: 256Mi
  nodeName: node1
status:
  containerStatuses:
  - containerID: cri-o://4f3a
    lastState:
      terminated:
        exitCode: 137
        finishedAt: "2024-03-05T10:18:21Z"
        reason: OOMKilled
    name: app
    restartCount: 3
  qosClass: Burstable
"#,
        );
        assert_eq!(v["metadata"]["name"], "checkout-7c9f8d-x2k4p");
        assert_eq!(
            v["spec"]["containers"][0]["resources"]["limits"]["memory"],
            "512Mi"
        );
        assert_eq!(v["spec"]["nodeName"], "node1");
        let s = &v["status"]["containerStatuses"][0];
        assert_eq!(s["lastState"]["terminated"]["exitCode"], 137);
        assert_eq!(s["restartCount"], 3);
        assert_eq!(s["name"], "app");
        assert_eq!(v["status"]["qosClass"], "Burstable");
    }

    #[test]
    fn lists_and_scalars() {
        let v = parse(
            "kind: List\nitems:\n- metadata:\n    name: a\n- metadata:\n    name: b\nempty: []\nq: 'it''s'\n",
        );
        assert_eq!(v["items"][1]["metadata"]["name"], "b");
        assert_eq!(v["empty"], json!([]));
        assert_eq!(v["q"], "it's");
    }

    #[test]
    fn deep_nesting_stops_at_max_depth() {
        // 4,000 levels overflowed the stack of a test thread (3,000 did already).
        let doc: String = (0..4_000)
            .map(|d| format!("{}k{d}:\n", " ".repeat(d)))
            .collect();
        let (v, warning) = parse_reporting(&doc);
        assert!(warning.unwrap().contains("deeper than 128 levels"));
        let mut at = &v;
        for d in 0..MAX_DEPTH {
            at = &at[format!("k{d}")];
        }
        assert!(at.is_object());
        // Nested items, and items under keys at the key's indentation.
        let items: String = (0..300).map(|d| format!("{}-\n", " ".repeat(d))).collect();
        assert!(parse_reporting(&items).1.is_some());
        let keyed: String = (0..300)
            .map(|d| format!("{}- k:\n", " ".repeat(2 * d)))
            .collect();
        assert!(parse_reporting(&format!("a:\n{keyed}")).1.is_some());
        let (v, warning) = parse_reporting("a:\n  b:\n    c: 1\n");
        assert_eq!((v["a"]["b"]["c"].as_i64(), warning), (Some(1), None));
    }

    #[test]
    fn odd_keys_and_items() {
        let v = parse("\"k\u{e9}y\n- \u{e9}: x\n\"\u{e9}\": 1\n\u{e9}:\n");
        assert!(v.is_object());
        assert_eq!(parse("-\n- -\n- \u{e9}")[2], "\u{e9}");
    }
}
