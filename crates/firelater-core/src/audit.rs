//! Field-level change sets for the audit log: `{field: {old, new}}` with only the fields that
//! actually changed.

use serde::Serialize;
use serde_json::{Map, Value, json};

/// Builds a change set field by field.
#[derive(Debug, Default)]
pub struct Diff(Map<String, Value>);

impl Diff {
    /// An empty change set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `field` if `old` and `new` differ.
    pub fn field<T: Serialize + PartialEq>(mut self, field: &str, old: &T, new: &T) -> Self {
        if old != new {
            self.0.insert(field.to_owned(), json!({"old": old, "new": new}));
        }
        self
    }

    /// Records a field that was set on creation.
    pub fn created<T: Serialize>(mut self, field: &str, new: &T) -> Self {
        self.0.insert(field.to_owned(), json!({"old": null, "new": new}));
        self
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The change set as JSON.
    pub fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_fields_are_recorded() {
        let d = Diff::new()
            .field("name", &"Ada", &"Ada L.")
            .field("timezone", &"UTC", &"UTC");
        assert_eq!(d.into_value(), json!({"name": {"old": "Ada", "new": "Ada L."}}));
    }
}
