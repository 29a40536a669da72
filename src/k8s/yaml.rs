//! The block-style YAML that `oc`/`kubectl get -o yaml` write (must-gather pod files),
//! read into a `serde_json::Value`: mappings, sequences (also at their key's
//! indentation), block scalars (`|`, `|-`, `>`), quoted and plain scalars, empty flow
//! collections. Anchors, tags and multi-line flow collections are not Kubernetes
//! output and are read as plain strings.

use serde_json::{Map, Value};

struct Line<'a> {
    indent: usize,
    text: &'a str,
}

/// Parses one YAML document (the first, when there are several).
pub fn parse(src: &str) -> Value {
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
    let mut i = 0;
    if lines.is_empty() {
        return Value::Null;
    }
    let indent = lines[0].indent;
    block(&lines, &mut i, indent)
}

fn block(lines: &[Line], i: &mut usize, indent: usize) -> Value {
    if *i >= lines.len() {
        return Value::Null;
    }
    if is_item(lines[*i].text) {
        sequence(lines, i, indent)
    } else {
        mapping(lines, i, indent)
    }
}

fn is_item(t: &str) -> bool {
    t == "-" || t.starts_with("- ")
}

fn mapping(lines: &[Line], i: &mut usize, indent: usize) -> Value {
    let mut map = Map::new();
    while *i < lines.len() && lines[*i].indent == indent && !is_item(lines[*i].text) {
        let text = lines[*i].text;
        let Some((key, rest)) = split_key(text) else {
            *i += 1;
            continue;
        };
        *i += 1;
        let value = value_after_key(lines, i, indent, rest);
        map.insert(key, value);
    }
    Value::Object(map)
}

/// The value of `key: rest` whose line was just consumed.
fn value_after_key(lines: &[Line], i: &mut usize, indent: usize, rest: &str) -> Value {
    match rest {
        "" => match lines.get(*i) {
            Some(n) if n.indent > indent => block(lines, i, n.indent),
            // A sequence may sit at its key's indentation.
            Some(n) if n.indent == indent && is_item(n.text) => sequence(lines, i, indent),
            _ => Value::Null,
        },
        r if r.starts_with('|') || r.starts_with('>') => {
            let mut parts = Vec::new();
            while *i < lines.len() && lines[*i].indent > indent {
                parts.push(lines[*i].text);
                *i += 1;
            }
            Value::String(parts.join(if r.starts_with('>') { " " } else { "\n" }))
        }
        r => scalar(r),
    }
}

fn sequence(lines: &[Line], i: &mut usize, indent: usize) -> Value {
    let mut items = Vec::new();
    while *i < lines.len() && lines[*i].indent == indent && is_item(lines[*i].text) {
        let rest = lines[*i].text[1..].trim_start();
        let item_indent = indent + (lines[*i].text.len() - rest.len());
        *i += 1;
        if rest.is_empty() {
            items.push(match lines.get(*i) {
                Some(n) if n.indent > indent => block(lines, i, n.indent),
                _ => Value::Null,
            });
        } else if let Some((key, value)) = split_key(rest) {
            // "- key: value" opens a mapping whose other keys sit at item_indent.
            let mut map = Map::new();
            let first = value_after_key(lines, i, item_indent, value);
            map.insert(key, first);
            if let Value::Object(more) = mapping(lines, i, item_indent) {
                map.extend(more);
            }
            items.push(Value::Object(map));
        } else {
            items.push(scalar(rest));
        }
    }
    Value::Array(items)
}

/// `key: value` → (key, value); a colon inside quotes or without a following space is
/// not a separator.
fn split_key(t: &str) -> Option<(String, &str)> {
    let (key, rest) = if let Some(q) = t.strip_prefix('"') {
        let end = q.find('"')?;
        (q[..end].to_string(), q[end + 1..].strip_prefix(':')?)
    } else {
        let at = t
            .find(": ")
            .or_else(|| t.ends_with(':').then(|| t.len() - 1))?;
        (t[..at].to_string(), &t[at + 1..])
    };
    Some((key, rest.trim()))
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
}
