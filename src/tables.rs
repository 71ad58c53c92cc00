//! The user's own data tables: `$IMR_TABLES` may name a folder holding `citations.tsv`,
//! `procedure-categories.tsv`, `body-regions.tsv`, `conditions.tsv` and/or `vocabulary.tsv` in the formats of
//! `data/tables/`.
//! Their rows are tried before the built-in rows, so a user can add variants or override.

use crate::letter::citations::Table;
use crate::letter::classify::Classifier;
use crate::letter::conditions::Conditions;
use crate::letter::Tables;
use crate::vocabulary::Vocabulary;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Tables loaded from `$IMR_TABLES` (or none: the built-in ones).
#[derive(Default)]
pub struct UserTables {
    citations: Option<Table>,
    classifier: Option<Classifier>,
    conditions: Option<Conditions>,
    vocabulary: Option<Arc<Vocabulary>>,
    pub folder: Option<PathBuf>,
}

fn read(folder: &Path, name: &str) -> anyhow::Result<Option<String>> {
    let p = folder.join(name);
    if !p.exists() {
        return Ok(None);
    }
    std::fs::read_to_string(&p).map(Some).with_context(|| format!("cannot read {}", p.display()))
}

impl UserTables {
    /// Reads `$IMR_TABLES`; a bad row is an error naming the file and line.
    pub fn load() -> anyhow::Result<UserTables> {
        let Some(folder) = std::env::var_os("IMR_TABLES").filter(|v| !v.is_empty()).map(PathBuf::from) else {
            return Ok(UserTables::default());
        };
        if !folder.is_dir() {
            anyhow::bail!("IMR_TABLES={} is not a folder", folder.display());
        }
        let citations = match read(&folder, "citations.tsv")? {
            Some(text) => Some(Table::with_extra(&text, &folder.join("citations.tsv").display().to_string())?),
            None => None,
        };
        let categories = read(&folder, "procedure-categories.tsv")?;
        let regions = read(&folder, "body-regions.tsv")?;
        let classifier = if categories.is_some() || regions.is_some() {
            Some(Classifier::with_extra(categories.as_deref(), regions.as_deref())?)
        } else {
            None
        };
        let conditions = match read(&folder, "conditions.tsv")? {
            Some(text) => Some(Conditions::with_extra(&text)?),
            None => None,
        };
        let vocabulary = match read(&folder, "vocabulary.tsv")? {
            Some(text) => {
                Some(Arc::new(Vocabulary::with_extra(&text, &folder.join("vocabulary.tsv").display().to_string())?))
            }
            None => None,
        };
        Ok(UserTables { citations, classifier, conditions, vocabulary, folder: Some(folder) })
    }

    /// The user's vocabulary with the built-in rows after it (`None`: the built-in one).
    pub fn vocabulary(&self) -> Option<Arc<Vocabulary>> {
        self.vocabulary.clone()
    }

    pub fn tables(&self) -> Tables<'_> {
        let builtin = Tables::builtin();
        Tables {
            citations: self.citations.as_ref().unwrap_or(builtin.citations),
            classifier: self.classifier.as_ref().unwrap_or(builtin.classifier),
            conditions: self.conditions.as_ref().unwrap_or(builtin.conditions),
        }
    }
}
