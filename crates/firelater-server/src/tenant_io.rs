//! `firelater tenant export|import|delete`: moving one tenant's data between instances as one
//! JSON document, and removing a tenant, from the command line. The file holds password
//! hashes and MFA secrets, so it is written readable by its owner only.

use anyhow::Context;
use firelater_service::Services;
use firelater_service::platform::{PlatformCtx, TenantExport};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

/// Writes the export of tenant `slug` to `out`, or to standard output when `out` is `None` or
/// `-`. A file is written beside its final name and renamed into place, so a failed export
/// leaves no half-written file. Returns a one-line summary.
pub async fn export(services: &Services, slug: &str, out: Option<&Path>) -> anyhow::Result<String> {
    let export = services
        .export_tenant(&PlatformCtx::command_line(), slug)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let rows: usize = export.data.tables.values().map(Vec::len).sum();
    let summary = format!(
        "exported tenant {slug} ({} tables, {rows} rows)",
        export.data.tables.len()
    );
    match out.filter(|p| p.as_os_str() != "-") {
        None => {
            let mut w = BufWriter::new(std::io::stdout().lock());
            serde_json::to_writer(&mut w, &export)?;
            writeln!(w)?;
            w.flush()?;
        }
        Some(path) => {
            let partial = path.with_extension("partial");
            let file = private_file(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
            let mut w = BufWriter::new(file);
            serde_json::to_writer(&mut w, &export)?;
            writeln!(w)?;
            w.into_inner()
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", partial.display()))?
                .sync_all()?;
            std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(summary)
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::create(path)
}

/// Reads an export from `path` (`-` for standard input).
pub fn read(path: &Path) -> anyhow::Result<TenantExport> {
    let mut text = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut text)?;
    } else {
        BufReader::new(std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?)
            .read_to_end(&mut text)?;
    }
    serde_json::from_slice(&text).with_context(|| format!("{} is not a FireLater tenant export", path.display()))
}

/// Creates the tenant in `path` on this instance; returns a summary of what was written.
pub async fn import(services: &Services, path: &Path) -> anyhow::Result<String> {
    let export = read(path)?;
    let done = services
        .import_tenant(&PlatformCtx::command_line(), &export)
        .await
        .map_err(|e| anyhow::anyhow!("{e}{}", field_list(&e)))?;
    let rows: u64 = done.rows.values().sum();
    let mut summary = format!(
        "imported tenant {} ({}) with {rows} rows",
        done.tenant.slug, done.tenant.id
    );
    for w in &done.warnings {
        summary.push_str("\nwarning: ");
        summary.push_str(w);
    }
    Ok(summary)
}

/// Deletes tenant `slug` and all its data.
pub async fn delete(services: &Services, slug: &str) -> anyhow::Result<String> {
    let p = PlatformCtx::command_line();
    let t = services
        .tenant_by_slug(&p, slug)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let deleted = services
        .delete_tenant(&p, t.tenant.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let rows: u64 = deleted.rows.values().sum();
    Ok(format!("deleted tenant {slug} ({}) and its {rows} rows", t.tenant.id))
}

/// The field errors of `e`, one per line.
pub fn field_list(e: &firelater_core::Error) -> String {
    e.fields
        .iter()
        .map(|(k, v)| format!("\n  {k}: {}", v.join("; ")))
        .collect()
}
