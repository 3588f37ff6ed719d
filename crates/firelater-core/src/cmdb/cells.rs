//! Reading CMDB cells of a CSV import: attribute values typed by their class's schema, and
//! the `type:CI-00012` items of a `relationships` cell.

use super::RelationshipType;
use crate::csv_io;
use serde_json::Value;

/// An attribute cell as the value its class's schema declares (`integer`, `number`,
/// `boolean`, `array` of strings split on `;`, `object` as JSON), else the text: a cell that
/// does not read as its type stays text, for the schema check to name.
pub fn attribute_value(text: &str, schema: Option<&Value>, key: &str) -> Value {
    let declared = schema
        .and_then(|s| s.get("properties"))
        .and_then(|p| p.get(key))
        .and_then(|p| p.get("type"))
        .and_then(Value::as_str);
    let text_value = || Value::String(text.to_owned());
    match declared {
        Some("integer") => text.parse::<i64>().map(Value::from).unwrap_or_else(|_| text_value()),
        Some("number") => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(text_value),
        Some("boolean") => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" => Value::Bool(true),
            "false" | "no" => Value::Bool(false),
            _ => text_value(),
        },
        Some("array") => Value::Array(csv_io::split_list(Some(text)).into_iter().map(Value::String).collect()),
        Some("object") => serde_json::from_str::<Value>(text)
            .ok()
            .filter(Value::is_object)
            .unwrap_or_else(text_value),
        _ => text_value(),
    }
}

/// One `type:CI-00012` item of a `relationships` cell.
pub fn relationship_item(item: &str) -> Result<(RelationshipType, &str), String> {
    let Some((kind, number)) = item.split_once(':') else {
        return Err(format!(
            "{item:?} must be written type:CI-number, e.g. depends_on:CI-00012"
        ));
    };
    let kind = kind.trim().parse::<RelationshipType>().map_err(|e| {
        format!(
            "{:?} is not a relationship type; one of {}",
            e.value,
            e.allowed.join(", ")
        )
    })?;
    Ok((kind, number.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use serde_json::json;

    #[rstest]
    #[case::integer("8", "integer", json!(8))]
    #[case::integer_not_a_number("eight", "integer", json!("eight"))]
    #[case::number("2.5", "number", json!(2.5))]
    #[case::boolean("yes", "boolean", json!(true))]
    #[case::array("a; b", "array", json!(["a", "b"]))]
    #[case::object("{\"k\": 1}", "object", json!({"k": 1}))]
    #[case::string_stays_text("22.04", "string", json!("22.04"))]
    fn an_attribute_cell_takes_its_declared_type(#[case] text: &str, #[case] kind: &str, #[case] want: Value) {
        let schema = json!({"type": "object", "properties": {"k": {"type": kind}}});
        assert_eq!(attribute_value(text, Some(&schema), "k"), want);
    }

    #[test]
    fn an_undeclared_attribute_is_text() {
        assert_eq!(attribute_value("8", None, "cpu"), json!("8"));
    }

    #[rstest]
    #[case("depends_on:CI-00012", Ok((RelationshipType::DependsOn, "CI-00012")))]
    #[case(" runs_on : CI-1 ", Ok((RelationshipType::RunsOn, "CI-1")))]
    #[case("CI-00012", Err(()))]
    #[case("likes:CI-00012", Err(()))]
    fn relationship_items_read_type_and_number(#[case] item: &str, #[case] want: Result<(RelationshipType, &str), ()>) {
        assert_eq!(relationship_item(item).map_err(|_| ()), want);
    }
}
