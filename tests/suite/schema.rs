//! `schema/letter.schema.json` is the published shape of `imr parse` output: the output must
//! use exactly its keys (required ones always present, no undeclared ones) and value types.

use super::env::{imr, json_lines, repo};
use serde_json::Value;

fn check(value: &Value, schema: &Value, defs: &Value, at: &str, problems: &mut Vec<String>) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => &defs[r.trim_start_matches("#/$defs/")],
        None => schema,
    };
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            problems.push(format!("{at}: {value} not in {allowed:?}"));
        }
        return;
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let actual = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    if !types.contains(&actual) {
        problems.push(format!("{at}: {actual}, schema says {types:?}"));
        return;
    }
    match value {
        Value::Object(map) => {
            let props = schema["properties"].as_object().expect("properties");
            for k in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                if !map.contains_key(k) {
                    problems.push(format!("{at}: missing {k}"));
                }
            }
            for (k, v) in map {
                match props.get(k) {
                    Some(s) => check(v, s, defs, &format!("{at}.{k}"), problems),
                    None => problems.push(format!("{at}: key {k} is not in the schema")),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check(v, &schema["items"], defs, &format!("{at}[{i}]"), problems);
            }
        }
        _ => {}
    }
}

#[test]
fn parse_output_matches_the_published_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("schema/letter.schema.json")).unwrap()).unwrap();
    let out = imr(&repo(), &["parse", "data/letters"]);
    let lines = json_lines(&out);
    assert!(lines.len() >= 40, "only {} letters parsed", lines.len());
    let mut problems = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        check(line, &schema, &schema["$defs"], &format!("line {}", n + 1), &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Both outcomes, partial authorisations and unknown letters occur, so their shapes were checked.
    let all = serde_json::to_string(&lines).unwrap();
    for needle in ["\"overturned\"", "\"upheld\"", "\"original_request\":\"", "\"layout\":\"unknown\""] {
        assert!(all.contains(needle), "sample output has no {needle}");
    }
}
