//! Human-readable numbers (`ISS-00001`): one counter per tenant and entity type, drawn inside
//! the transaction that creates the entity, so a rolled-back create leaves no gap visible to
//! anyone and two creates never share a number.

/// Entity types that carry a human-readable number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberedEntity {
    /// Service requests, `REQ-`.
    Request,
    /// Issues, `ISS-`.
    Issue,
    /// Change requests, `CHG-`.
    Change,
    /// Change tasks, `TSK-`.
    Task,
    /// Applications, `APP-`.
    Application,
    /// Problems, `PRB-`.
    Problem,
    /// Configuration items, `CI-`.
    ConfigItem,
    /// Knowledge articles, `KB-`.
    KnowledgeArticle,
    /// Business services, `SRV-`.
    Service,
}

impl NumberedEntity {
    /// The key of the counter in `id_sequences.entity_type`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Request => "request",
            Self::Issue => "issue",
            Self::Change => "change",
            Self::Task => "task",
            Self::Application => "application",
            Self::Problem => "problem",
            Self::ConfigItem => "config_item",
            Self::KnowledgeArticle => "knowledge_article",
            Self::Service => "service",
        }
    }

    /// The prefix of the number.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Request => "REQ",
            Self::Issue => "ISS",
            Self::Change => "CHG",
            Self::Task => "TSK",
            Self::Application => "APP",
            Self::Problem => "PRB",
            Self::ConfigItem => "CI",
            Self::KnowledgeArticle => "KB",
            Self::Service => "SRV",
        }
    }

    /// Formats the `n`th number: at least five digits, more when needed.
    pub fn format(self, n: i64) -> String {
        format!("{}-{:05}", self.prefix(), n)
    }
}

#[cfg(test)]
mod tests {
    use super::NumberedEntity::*;

    #[test]
    fn numbers_are_zero_padded_to_five_digits() {
        assert_eq!(Issue.format(1), "ISS-00001");
        assert_eq!(ConfigItem.format(42), "CI-00042");
    }

    #[test]
    fn numbers_grow_past_five_digits_without_truncation() {
        assert_eq!(Change.format(123_456), "CHG-123456");
    }
}
