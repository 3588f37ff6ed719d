//! CSV in and out: reading an uploaded file into rows that remember their line, the report an
//! import returns (every bad row by line and field), and writing a list's JSON items as a
//! spreadsheet-safe CSV. Pure, so the rules are tested without HTTP.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The most data rows one import may hold.
pub const MAX_IMPORT_ROWS: usize = 10_000;

/// The separator of a multi-valued cell (`tags`, `relationships`).
pub const LIST_SEPARATOR: char = ';';

/// One data row of an uploaded CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    /// The 1-based line of the file where the row starts (the header is line 1).
    pub line: u64,
    cells: Vec<String>,
}

/// An uploaded CSV file: its header and data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvTable {
    /// Column names as written in the header, trimmed.
    pub headers: Vec<String>,
    /// The data rows, in file order; blank lines are skipped.
    pub rows: Vec<CsvRow>,
}

impl CsvTable {
    /// The cell of `row` under `column`, trimmed; `None` when the column is absent or the
    /// cell is empty.
    pub fn cell<'a>(&self, row: &'a CsvRow, column: &str) -> Option<&'a str> {
        let i = self.headers.iter().position(|h| h == column)?;
        row.cells.get(i).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    /// The columns whose name starts with `prefix`, with the rest of the name.
    pub fn prefixed<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.headers
            .iter()
            .filter_map(move |h| h.strip_prefix(prefix).map(|rest| (h.as_str(), rest)))
    }
}

/// One problem of an import, by line and field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RowError {
    /// The file's line (1 is the header).
    pub line: u64,
    /// The column (or `file` for the file as a whole).
    pub field: String,
    /// A stable code: `invalid`, `required`, `unknown_column`, `invalid_reference`, `duplicate`.
    pub code: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl RowError {
    /// An error of `field` on `line`.
    pub fn new(line: u64, field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            line,
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// What an import did or, on a dry run, would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    /// Whether this was only a check.
    pub dry_run: bool,
    /// Data rows in the file.
    pub total_rows: u64,
    /// Rows without an error.
    pub valid_rows: u64,
    /// Records written: every row, or none when any row is bad or on a dry run.
    pub created: u64,
    /// Every problem found, by line then field.
    pub errors: Vec<RowError>,
}

impl ImportReport {
    /// The report of a file with these rows and errors (sorted here), before writing.
    pub fn checked(dry_run: bool, total_rows: usize, mut errors: Vec<RowError>) -> Self {
        errors.sort_by(|a, b| a.line.cmp(&b.line).then_with(|| a.field.cmp(&b.field)));
        let mut bad: Vec<u64> = errors.iter().map(|e| e.line).filter(|l| *l > 1).collect();
        bad.dedup();
        let file_level = errors.iter().any(|e| e.line <= 1);
        let total = total_rows as u64;
        Self {
            dry_run,
            total_rows: total,
            valid_rows: if file_level {
                0
            } else {
                total.saturating_sub(bad.len() as u64)
            },
            created: 0,
            errors,
        }
    }

    /// Whether every row may be written.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Reads a CSV file: a header row, then data rows of the same width. A byte-order mark is
/// dropped. A file-level problem (no header, a bad quote, a row of the wrong width, too many
/// rows) comes back as the errors that name it; otherwise the table.
pub fn parse(text: &str, max_rows: usize) -> Result<CsvTable, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_owned()).collect(),
        Err(e) => return Err(vec![RowError::new(1, "file", "invalid", e.to_string())]),
    };
    if headers.iter().all(String::is_empty) {
        return Err(vec![RowError::new(1, "file", "required", "the file has no header row")]);
    }
    let mut errors = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            errors.push(RowError::new(
                1,
                "file",
                "invalid",
                format!("column {} has no name", i + 1),
            ));
        } else if headers[..i].contains(h) {
            errors.push(RowError::new(1, h, "duplicate", "this column appears twice"));
        }
    }
    let mut rows = Vec::new();
    // Lines are counted from the record's byte offset: the reader's own line count leaves
    // out some line breaks (inside quotes, blank lines), and a person looks for the line
    // their editor shows.
    let (mut seen_byte, mut seen_line) = (0usize, 1u64);
    let mut line_at = |byte: u64| {
        let mut byte = (byte as usize).min(text.len());
        // A record's position is where reading resumed, before any blank lines it skipped.
        while matches!(text.as_bytes().get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        if byte >= seen_byte {
            seen_line += text.as_bytes()[seen_byte..byte].iter().filter(|b| **b == b'\n').count() as u64;
            seen_byte = byte;
        }
        seen_line
    };
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                errors.push(RowError::new(line, "file", "invalid", format!("unreadable CSV: {e}")));
                break;
            }
        };
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != headers.len() {
            errors.push(RowError::new(
                line,
                "file",
                "invalid",
                format!("the row has {} cells; the header has {}", record.len(), headers.len()),
            ));
            continue;
        }
        if rows.len() == max_rows {
            errors.push(RowError::new(
                line,
                "file",
                "invalid",
                format!("a file may hold at most {max_rows} rows"),
            ));
            break;
        }
        rows.push(CsvRow {
            line,
            cells: record.iter().map(str::to_owned).collect(),
        });
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(RowError::new(1, "file", "required", "the file has no data rows"));
    }
    if errors.is_empty() {
        Ok(CsvTable { headers, rows })
    } else {
        Err(errors)
    }
}

/// The errors for header columns outside `known` (and not starting with `prefix`), and for
/// `required` columns that are missing, all on line 1.
pub fn check_columns(table: &CsvTable, known: &[&str], required: &[&str], prefix: Option<&str>) -> Vec<RowError> {
    let mut errors = Vec::new();
    for h in &table.headers {
        let prefixed = prefix.is_some_and(|p| h.starts_with(p) && h.len() > p.len());
        if !known.contains(&h.as_str()) && !prefixed {
            errors.push(RowError::new(
                1,
                h,
                "unknown_column",
                format!("unknown column; the columns are {}", known.join(", ")),
            ));
        }
    }
    for r in required {
        if !table.headers.iter().any(|h| h == r) {
            errors.push(RowError::new(1, r, "required", "this column is required"));
        }
    }
    errors
}

/// Splits a multi-valued cell on `;`, trimming and dropping empty parts.
pub fn split_list(cell: Option<&str>) -> Vec<String> {
    cell.map(|c| {
        c.split(LIST_SEPARATOR)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

/// A JSON object with its keys in the order they were written (a `serde_json::Map` sorts
/// them), so an export's columns follow the API's field order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ordered(pub Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl From<Map<String, Value>> for Ordered {
    fn from(m: Map<String, Value>) -> Self {
        Self(m.into_iter().collect())
    }
}

/// Writes JSON objects as CSV: one column per key, in the order keys first appear; strings
/// as they are, numbers and booleans as JSON writes them, `null` empty, arrays of scalars
/// joined with `;` (as imports read them) and other values as JSON. A text cell that a
/// spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
/// return) is prefixed with `'`.
pub fn write(items: &[Ordered]) -> String {
    let mut columns: Vec<&str> = Vec::new();
    for item in items {
        for (key, _) in &item.0 {
            if !columns.contains(&key.as_str()) {
                columns.push(key);
            }
        }
    }
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = out.write_record(&columns);
    for item in items {
        let row: Vec<String> = columns
            .iter()
            .map(|c| cell(item.0.iter().find(|(k, _)| k == c).map(|(_, v)| v)))
            .collect();
        let _ = out.write_record(&row);
    }
    let bytes = out.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => guard(s),
        Some(Value::Array(items)) if items.iter().all(|v| !v.is_array() && !v.is_object()) => guard(
            &items
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(&LIST_SEPARATOR.to_string()),
        ),
        Some(other @ (Value::Array(_) | Value::Object(_))) => guard(&other.to_string()),
        Some(other) => other.to_string(),
    }
}

fn guard(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;

    #[test]
    fn rows_remember_the_line_they_start_on_even_after_a_multi_line_cell() {
        let t = parse("name,description\nA,\"two\nlines\"\n\nB,x\n", 100).expect("parses");
        assert_eq!(t.headers, ["name", "description"]);
        assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 5]);
        assert_eq!(t.cell(&t.rows[0], "description"), Some("two\nlines"));
        assert_eq!(t.cell(&t.rows[1], "name"), Some("B"));
        assert_eq!(t.cell(&t.rows[1], "missing"), None);
    }

    #[test]
    fn a_byte_order_mark_and_blank_cells_are_not_data() {
        let t = parse("\u{feff}name,tier\nA,  \n", 100).expect("parses");
        assert_eq!(t.headers, ["name", "tier"]);
        assert_eq!(t.cell(&t.rows[0], "tier"), None);
    }

    #[rstest]
    #[case::empty_file("", 1, "file")]
    #[case::header_only("name,tier\n", 1, "file")]
    #[case::nameless_column("name,,tier\nA,B,C\n", 1, "file")]
    #[case::duplicate_column("name,name\nA,B\n", 1, "name")]
    #[case::short_row("name,tier\nA,P1\nB\n", 3, "file")]
    #[case::too_many_rows("name\nA\nB\nC\n", 4, "file")]
    fn file_level_problems_are_named_by_line(#[case] text: &str, #[case] line: u64, #[case] field: &str) {
        let errors = parse(text, 2).expect_err("refused");
        assert_eq!((errors[0].line, errors[0].field.as_str()), (line, field), "{errors:?}");
    }

    #[test]
    fn unknown_and_missing_columns_are_errors_of_line_one() {
        let t = parse("name,colour,attr.os,attr.\nA,red,x,y\n", 10).expect("parses");
        let errors = check_columns(&t, &["name", "tier"], &["name", "tier"], Some("attr."));
        let named: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            named,
            [
                ("colour", "unknown_column"),
                ("attr.", "unknown_column"),
                ("tier", "required")
            ]
        );
    }

    #[test]
    fn a_report_counts_rows_with_at_least_one_error_once() {
        let errors = vec![
            RowError::new(3, "tier", "invalid", "x"),
            RowError::new(2, "name", "required", "x"),
            RowError::new(3, "name", "required", "x"),
        ];
        let r = ImportReport::checked(true, 5, errors);
        assert_eq!((r.total_rows, r.valid_rows, r.created), (5, 3, 0));
        assert_eq!(
            r.errors.iter().map(|e| (e.line, e.field.as_str())).collect::<Vec<_>>(),
            [(2, "name"), (3, "name"), (3, "tier")]
        );
        assert!(!r.is_clean());
    }

    #[test]
    fn lists_split_on_semicolons() {
        assert_eq!(split_list(Some(" a; b;;c ")), ["a", "b", "c"]);
        assert!(split_list(None).is_empty());
    }

    #[test]
    fn written_csv_has_a_column_per_key_and_guards_formulas() {
        let items: Vec<Ordered> = serde_json::from_str(
            r#"[{"id": 1, "name": "=cmd()", "tags": ["a", "b"], "owner": null}, {"id": 2, "name": "B", "extra": {"k": 1}, "n": -5}]"#,
        )
        .expect("items");
        let text = write(&items);
        assert_eq!(
            text,
            "id,name,tags,owner,extra,n\r\n1,'=cmd(),a;b,,,\r\n2,B,,,\"{\"\"k\"\":1}\",-5\r\n"
        );
    }

    proptest! {
        /// Whatever text the cells hold (commas, quotes, newlines), writing then reading gives
        /// the same cells back, except the guard's quote before a formula.
        #[test]
        fn what_is_written_reads_back(cells in proptest::collection::vec("[a-z][a-zA-Z0-9 ,\"\n;]{0,11}", 1..6)) {
            let item = Ordered(cells.iter().enumerate().map(|(i, c)| (format!("c{i}"), Value::String(c.clone()))).collect());
            let table = parse(&write(&[item]), 10).expect("reads");
            for (i, c) in cells.iter().enumerate() {
                let read = table.rows[0].cells[i].clone();
                prop_assert_eq!(read, c.clone());
            }
        }
    }
}
