//! CSV imports: every row of a file is checked and, only when all of them are good and it is
//! not a dry run, every row is written, in one transaction. A row is created through the same
//! use case as a single create (validation, references, numbering, audit, event), so an
//! imported record is indistinguishable from one made by hand. References are written as
//! people know them (an owner's email, a group's name), not as ids.

use crate::Services;
use crate::applications::{self, NewApplication};
use crate::ctx::Ctx;
use firelater_core::applications::{ApplicationStatus, Criticality, LifecycleStage, Tier};
use firelater_core::csv_io::{self, CsvRow, CsvTable, ImportReport, MAX_IMPORT_ROWS, RowError};
use firelater_core::ids::{GroupId, UserId};
use firelater_core::{Error, ErrorCode, ErrorKind, Permission, validate};
use firelater_db::TenantTx;
use firelater_db::repo::{groups, users};
use std::collections::HashMap;
use std::str::FromStr;

/// The columns of an applications file.
pub const APPLICATION_COLUMNS: &[&str] = &[
    "name",
    "description",
    "tier",
    "status",
    "lifecycle_stage",
    "criticality",
    "business_unit",
    "owner_email",
    "owner_group",
    "support_group",
    "tags",
];

/// Collects one row's problems and turns a use case's refusal into them.
pub(crate) struct RowCheck<'a> {
    line: u64,
    errors: &'a mut Vec<RowError>,
    failed: bool,
}

impl<'a> RowCheck<'a> {
    pub(crate) fn new(row: &CsvRow, errors: &'a mut Vec<RowError>) -> Self {
        Self {
            line: row.line,
            errors,
            failed: false,
        }
    }

    pub(crate) fn add(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.failed = true;
        self.errors.push(RowError::new(self.line, field, code, message));
    }

    /// A required enum cell (or the default when `default` is given and the cell is empty).
    pub(crate) fn parse_enum<T: FromStr<Err = firelater_core::enums::UnknownValue>>(
        &mut self,
        table: &CsvTable,
        row: &CsvRow,
        column: &str,
        required: bool,
    ) -> Option<T> {
        match table.cell(row, column) {
            None => {
                if required {
                    self.add(column, "required", "is required");
                }
                None
            }
            Some(s) => match s.parse::<T>() {
                Ok(v) => Some(v),
                Err(e) => {
                    self.add(column, "invalid", format!("must be one of {}", e.allowed.join(", ")));
                    None
                }
            },
        }
    }

    /// Records a use case's validation refusal, renaming its fields to the file's columns;
    /// any other error is not the row's fault and is returned.
    pub(crate) fn refused(&mut self, e: Error, column_of: &dyn Fn(&str) -> String) -> Result<(), Error> {
        if e.kind() != ErrorKind::Unprocessable {
            return Err(e);
        }
        let code = if e.code == ErrorCode::InvalidReference {
            "invalid_reference"
        } else {
            "invalid"
        };
        if e.fields.is_empty() {
            self.add("row", code, e.detail);
        }
        for (field, messages) in e.fields {
            for m in messages {
                self.add(&column_of(&field), code, m);
            }
        }
        Ok(())
    }

    pub(crate) fn failed(&self) -> bool {
        self.failed
    }
}

/// Looks references up once per distinct value.
#[derive(Default)]
pub(crate) struct Lookups {
    users: HashMap<String, Option<UserId>>,
    groups: HashMap<String, Option<GroupId>>,
}

impl Lookups {
    /// The user with this email, if any.
    pub(crate) async fn user(&mut self, tx: &TenantTx, email: &str) -> Result<Option<UserId>, Error> {
        let key = validate::normalize_email(email);
        if let Some(hit) = self.users.get(&key) {
            return Ok(*hit);
        }
        let found = users::find_by_email(tx, &key).await?.map(|u| u.id);
        self.users.insert(key, found);
        Ok(found)
    }

    /// The group with this name, if any.
    pub(crate) async fn group(&mut self, tx: &TenantTx, name: &str) -> Result<Option<GroupId>, Error> {
        if let Some(hit) = self.groups.get(name) {
            return Ok(*hit);
        }
        let found = groups::find_by_name(tx, name).await?.map(|g| g.id);
        self.groups.insert(name.to_owned(), found);
        Ok(found)
    }
}

/// Reads the file and checks its columns; the report of a file that cannot be read.
pub(crate) fn read(
    text: &str,
    dry_run: bool,
    known: &[&str],
    required: &[&str],
    prefix: Option<&str>,
) -> Result<CsvTable, ImportReport> {
    let table = csv_io::parse(text, MAX_IMPORT_ROWS).map_err(|errors| ImportReport::checked(dry_run, 0, errors))?;
    let errors = csv_io::check_columns(&table, known, required, prefix);
    if errors.is_empty() {
        Ok(table)
    } else {
        Err(ImportReport::checked(dry_run, table.rows.len(), errors))
    }
}

/// The column of an application file a use-case field error belongs to.
fn application_column(field: &str) -> String {
    match field {
        "owner_user_id" => "owner_email".to_owned(),
        "owner_group_id" => "owner_group".to_owned(),
        "support_group_id" => "support_group".to_owned(),
        f if f.starts_with("tags") => "tags".to_owned(),
        f => f.to_owned(),
    }
}

impl Services {
    /// Imports applications from CSV (needs `applications:create`): checks every row and,
    /// unless `dry_run` or any row is bad, registers them all in one transaction.
    pub async fn import_applications(&self, ctx: &Ctx, text: &str, dry_run: bool) -> Result<ImportReport, Error> {
        ctx.require(Permission::ApplicationsCreate)?;
        let table = match read(text, dry_run, APPLICATION_COLUMNS, &["name", "tier"], None) {
            Ok(t) => t,
            Err(report) => return Ok(report),
        };
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let mut lookups = Lookups::default();
        let mut errors = Vec::new();
        let mut created = 0u64;
        for row in &table.rows {
            let mut check = RowCheck::new(row, &mut errors);
            let name = table.cell(row, "name");
            if name.is_none() {
                check.add("name", "required", "is required");
            }
            let tier: Option<Tier> = check.parse_enum(&table, row, "tier", true);
            let status: Option<ApplicationStatus> = check.parse_enum(&table, row, "status", false);
            let lifecycle_stage: Option<LifecycleStage> = check.parse_enum(&table, row, "lifecycle_stage", false);
            let criticality: Option<Criticality> = check.parse_enum(&table, row, "criticality", false);
            let mut owner_user_id = None;
            if let Some(email) = table.cell(row, "owner_email") {
                owner_user_id = lookups.user(&tx, email).await?;
                if owner_user_id.is_none() {
                    check.add("owner_email", "invalid_reference", "no user with this email");
                }
            }
            let mut group_ids = [None, None];
            for (i, column) in ["owner_group", "support_group"].into_iter().enumerate() {
                if let Some(group) = table.cell(row, column) {
                    group_ids[i] = lookups.group(&tx, group).await?;
                    if group_ids[i].is_none() {
                        check.add(column, "invalid_reference", "no group with this name");
                    }
                }
            }
            let (Some(name), Some(tier), false) = (name, tier, check.failed()) else {
                continue;
            };
            let input = NewApplication {
                name: name.to_owned(),
                description: table.cell(row, "description").map(str::to_owned),
                tier,
                status,
                lifecycle_stage,
                owner_user_id,
                owner_group_id: group_ids[0],
                support_group_id: group_ids[1],
                business_unit: table.cell(row, "business_unit").map(str::to_owned),
                criticality,
                tags: Some(csv_io::split_list(table.cell(row, "tags"))),
                metadata: None,
            };
            match applications::create_in(&tx, ctx, input, now).await {
                Ok(_) => created += 1,
                Err(e) => check.refused(e, &application_column)?,
            }
        }
        let mut report = ImportReport::checked(dry_run, table.rows.len(), errors);
        if report.is_clean() && !dry_run {
            tx.commit().await?;
            report.created = created;
        }
        // Otherwise the transaction is dropped: nothing is written.
        Ok(report)
    }
}
