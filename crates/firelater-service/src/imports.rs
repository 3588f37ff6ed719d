//! CSV imports: every row of a file is checked and, only when all of them are good and it is
//! not a dry run, every row is written, in one transaction. A row is created through the same
//! use case as a single create (validation, references, numbering, audit, event), so an
//! imported record is indistinguishable from one made by hand. References are written as
//! people know them (an owner's email, a group's name), not as ids.

use crate::Services;
use crate::applications::{self, NewApplication};
use crate::cmdb::{NewCi, NewRelationship, create_ci_in, create_relationship_in};
use crate::ctx::Ctx;
use firelater_core::applications::{ApplicationStatus, Criticality, LifecycleStage, Tier};
use firelater_core::cmdb::cells::{attribute_value, relationship_item};
use firelater_core::cmdb::{CiEnvironment, CiStatus};
use firelater_core::csv_io::{self, CsvRow, CsvTable, ImportReport, MAX_IMPORT_ROWS, RowError};
use firelater_core::ids::{ApplicationId, CiId, GroupId, UserId};
use firelater_core::{Error, ErrorCode, ErrorKind, Permission, validate};
use firelater_db::TenantTx;
use firelater_db::repo::{applications as apps, cmdb, groups, services, users};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::str::FromStr;
use uuid::Uuid;

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

/// The columns of a configuration items file, besides `attr.<key>` ones.
pub const CI_COLUMNS: &[&str] = &[
    "name",
    "description",
    "ci_class",
    "status",
    "environment",
    "application",
    "service",
    "owner_email",
    "managed_by_email",
    "discovered_by",
    "relationships",
];

/// The prefix of a CI file's attribute columns (`attr.os`).
pub const ATTRIBUTE_PREFIX: &str = "attr.";

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
    applications: HashMap<String, Option<ApplicationId>>,
    services: HashMap<String, Option<Uuid>>,
    cis: HashMap<String, Option<CiId>>,
    classes: HashMap<String, Option<Option<Value>>>,
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

    /// The live application numbered `app_id`, if any.
    pub(crate) async fn application(&mut self, tx: &TenantTx, app_id: &str) -> Result<Option<ApplicationId>, Error> {
        if let Some(hit) = self.applications.get(app_id) {
            return Ok(*hit);
        }
        let found = apps::find_by_app_id(tx, app_id).await?.map(|a| a.id);
        self.applications.insert(app_id.to_owned(), found);
        Ok(found)
    }

    /// The live service numbered `number`, if any.
    pub(crate) async fn service(&mut self, tx: &TenantTx, number: &str) -> Result<Option<Uuid>, Error> {
        if let Some(hit) = self.services.get(number) {
            return Ok(*hit);
        }
        let found = services::find_by_number(tx, number).await?.map(|s| s.id.0);
        self.services.insert(number.to_owned(), found);
        Ok(found)
    }

    /// The live CI numbered `number`, if any.
    pub(crate) async fn ci(&mut self, tx: &TenantTx, number: &str) -> Result<Option<CiId>, Error> {
        if let Some(hit) = self.cis.get(number) {
            return Ok(*hit);
        }
        let found = cmdb::find_ci_by_number(tx, number).await?.map(|c| c.id);
        self.cis.insert(number.to_owned(), found);
        Ok(found)
    }

    /// The attribute schema of the class named `name`: `None` when there is no such class.
    pub(crate) async fn class_schema(&mut self, tx: &TenantTx, name: &str) -> Result<Option<Option<Value>>, Error> {
        if let Some(hit) = self.classes.get(name) {
            return Ok(hit.clone());
        }
        let found = cmdb::find_class_by_name(tx, name).await?.map(|c| c.attribute_schema);
        self.classes.insert(name.to_owned(), found.clone());
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

/// The column of a CI file a use-case field error belongs to.
fn ci_column(field: &str) -> String {
    match field {
        "application_id" => "application".to_owned(),
        "service_id" => "service".to_owned(),
        "owner_id" => "owner_email".to_owned(),
        "managed_by" => "managed_by_email".to_owned(),
        f if f.starts_with("attributes.") => format!("{ATTRIBUTE_PREFIX}{}", &f["attributes.".len()..]),
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

    /// Imports configuration items from CSV (needs `cmdb:create`), each with the
    /// relationships its `relationships` cell names to existing CIs by number; checks every
    /// row and, unless `dry_run` or any row is bad, adds them all in one transaction.
    pub async fn import_cis(&self, ctx: &Ctx, text: &str, dry_run: bool) -> Result<ImportReport, Error> {
        ctx.require(Permission::CmdbCreate)?;
        let table = match read(
            text,
            dry_run,
            CI_COLUMNS,
            &["name", "ci_class", "environment"],
            Some(ATTRIBUTE_PREFIX),
        ) {
            Ok(t) => t,
            Err(report) => return Ok(report),
        };
        let now = self.now();
        let tx = self.db.tenant_write(ctx.tenant).await?;
        let mut lookups = Lookups::default();
        let mut errors = Vec::new();
        let mut created = 0u64;
        let attribute_columns: Vec<(String, String)> = table
            .prefixed(ATTRIBUTE_PREFIX)
            .map(|(column, key)| (column.to_owned(), key.to_owned()))
            .collect();
        for row in &table.rows {
            let mut check = RowCheck::new(row, &mut errors);
            let name = table.cell(row, "name");
            if name.is_none() {
                check.add("name", "required", "is required");
            }
            let environment: Option<CiEnvironment> = check.parse_enum(&table, row, "environment", true);
            let status: Option<CiStatus> = check.parse_enum(&table, row, "status", false);
            let class = table.cell(row, "ci_class");
            let mut schema = None;
            match class {
                None => check.add("ci_class", "required", "is required"),
                Some(c) => match lookups.class_schema(&tx, c).await? {
                    None => check.add("ci_class", "invalid_reference", "no class with this name"),
                    Some(s) => schema = s,
                },
            }
            let mut application_id = None;
            if let Some(a) = table.cell(row, "application") {
                application_id = lookups.application(&tx, a).await?;
                if application_id.is_none() {
                    check.add("application", "invalid_reference", "no application with this number");
                }
            }
            let mut service_id = None;
            if let Some(sv) = table.cell(row, "service") {
                service_id = lookups.service(&tx, sv).await?;
                if service_id.is_none() {
                    check.add("service", "invalid_reference", "no service with this number");
                }
            }
            let mut people = [None, None];
            for (i, column) in ["owner_email", "managed_by_email"].into_iter().enumerate() {
                if let Some(email) = table.cell(row, column) {
                    people[i] = lookups.user(&tx, email).await?;
                    if people[i].is_none() {
                        check.add(column, "invalid_reference", "no user with this email");
                    }
                }
            }
            let mut links = Vec::new();
            for item in csv_io::split_list(table.cell(row, "relationships")) {
                match relationship_item(&item) {
                    Err(m) => check.add("relationships", "invalid", m),
                    Ok((kind, number)) => match lookups.ci(&tx, number).await? {
                        None => check.add(
                            "relationships",
                            "invalid_reference",
                            format!("no configuration item numbered {number}"),
                        ),
                        Some(target) => {
                            if !links.contains(&(kind, target)) {
                                links.push((kind, target));
                            }
                        }
                    },
                }
            }
            let mut attributes = Map::new();
            for (column, key) in &attribute_columns {
                if let Some(text) = table.cell(row, column) {
                    attributes.insert(key.clone(), attribute_value(text, schema.as_ref(), key));
                }
            }
            let (Some(name), Some(class), Some(environment), false) = (name, class, environment, check.failed()) else {
                continue;
            };
            let input = NewCi {
                name: name.to_owned(),
                description: table.cell(row, "description").map(str::to_owned),
                ci_class: class.to_owned(),
                status,
                environment,
                service_id,
                application_id,
                owner_id: people[0],
                managed_by: people[1],
                attributes: Some(Value::Object(attributes)),
                discovered_by: table.cell(row, "discovered_by").map(str::to_owned),
                last_discovered_at: None,
            };
            let ci = match create_ci_in(&tx, ctx, input, now).await {
                Ok(ci) => ci,
                Err(e) => {
                    check.refused(e, &ci_column)?;
                    continue;
                }
            };
            for (kind, target) in links {
                let link = NewRelationship {
                    source_ci_id: ci.id,
                    target_ci_id: target,
                    relationship_type: kind,
                    description: None,
                };
                if let Err(e) = create_relationship_in(&tx, ctx, link, now).await {
                    check.refused(e, &|_| "relationships".to_owned())?;
                }
            }
            created += 1;
        }
        let mut report = ImportReport::checked(dry_run, table.rows.len(), errors);
        if report.is_clean() && !dry_run {
            tx.commit().await?;
            report.created = created;
        }
        Ok(report)
    }
}
