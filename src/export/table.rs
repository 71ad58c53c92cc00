//! Rows -> Arrow: the export's schema, defined once, and record batches of it.

use super::{days, Cited, Row};
use arrow_array::builder::{
    ArrayBuilder, Date32Builder, Int32Builder, ListBuilder, StringBuilder, StructBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use std::sync::{Arc, OnceLock};

fn text(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

fn list_of(name: &str, item: DataType) -> Field {
    Field::new_list(name, Field::new_list_field(item, true), false)
}

fn citation_fields() -> Fields {
    Fields::from(vec![text("key", false), text("kind", false), text("text", false)])
}

/// The columns of an export, in order (`schema/export.md` says what each holds).
pub fn arrow_schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let date = |name: &str| Field::new(name, DataType::Date32, true);
            Arc::new(Schema::new(vec![
                text("case_number", true),
                Field::new("item_no", DataType::Int32, false),
                Field::new("item_count", DataType::Int32, false),
                text("item", false),
                text("original_request", true),
                text("authorized", true),
                text("outcome", false),
                date("decision_date"),
                date("date_assigned"),
                date("date_of_injury"),
                date("ur_denial_date"),
                date("application_received"),
                text("priority", true),
                list_of("specialties", DataType::Utf8),
                list_of("licensure", DataType::Utf8),
                Field::new("age", DataType::Int32, true),
                text("sex", true),
                list_of("diagnoses", DataType::Utf8),
                list_of("conditions", DataType::Utf8),
                text("category", true),
                text("subcategory", true),
                list_of("body_regions", DataType::Utf8),
                list_of("spinal_levels", DataType::Utf8),
                text("layout", false),
                text("path", false),
                text("content_hash", true),
                Field::new("file_mtime", DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())), true),
                list_of("ur_citations", DataType::Struct(citation_fields())),
                list_of("imr_citations", DataType::Struct(citation_fields())),
                list_of("item_terms", DataType::Utf8),
                list_of("terms", DataType::Utf8),
            ]))
        })
        .clone()
}

fn strings<'a>(rows: &'a [Row], get: impl Fn(&'a Row) -> Option<&'a str>) -> ArrayRef {
    let mut b = StringBuilder::new();
    for r in rows {
        b.append_option(get(r));
    }
    Arc::new(b.finish())
}

fn ints(rows: &[Row], get: impl Fn(&Row) -> Option<i32>) -> ArrayRef {
    let mut b = Int32Builder::with_capacity(rows.len());
    for r in rows {
        b.append_option(get(r));
    }
    Arc::new(b.finish())
}

fn dates(rows: &[Row], get: impl Fn(&Row) -> Option<crate::letter::Date>) -> ArrayRef {
    let mut b = Date32Builder::with_capacity(rows.len());
    for r in rows {
        b.append_option(get(r).map(days));
    }
    Arc::new(b.finish())
}

fn lists<'a>(rows: &'a [Row], get: impl Fn(&'a Row) -> &'a [String]) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for r in rows {
        for s in get(r) {
            b.values().append_value(s);
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

fn citations<'a>(rows: &'a [Row], get: impl Fn(&'a Row) -> &'a [Cited]) -> ArrayRef {
    let parts: Vec<Box<dyn ArrayBuilder>> =
        vec![Box::new(StringBuilder::new()), Box::new(StringBuilder::new()), Box::new(StringBuilder::new())];
    let mut b = ListBuilder::new(StructBuilder::new(citation_fields(), parts));
    for r in rows {
        let s = b.values();
        for c in get(r) {
            for (i, v) in [c.key.as_str(), c.kind, c.text.as_str()].into_iter().enumerate() {
                s.field_builder::<StringBuilder>(i).expect("three string fields").append_value(v);
            }
            s.append(true);
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

/// The rows as one record batch of [`arrow_schema`].
pub fn batch(rows: &[Row]) -> Result<RecordBatch, ArrowError> {
    let mut mtime = TimestampMicrosecondBuilder::with_capacity(rows.len()).with_timezone("UTC");
    for r in rows {
        mtime.append_option(r.file_mtime);
    }
    let columns: Vec<ArrayRef> = vec![
        strings(rows, |r| r.case_number.as_deref()),
        ints(rows, |r| Some(r.item_no)),
        ints(rows, |r| Some(r.item_count)),
        strings(rows, |r| Some(&r.item)),
        strings(rows, |r| r.original_request.as_deref()),
        strings(rows, |r| r.authorized.as_deref()),
        strings(rows, |r| Some(r.outcome)),
        dates(rows, |r| r.decision_date),
        dates(rows, |r| r.date_assigned),
        dates(rows, |r| r.date_of_injury),
        dates(rows, |r| r.ur_denial_date),
        dates(rows, |r| r.application_received),
        strings(rows, |r| r.priority.as_deref()),
        lists(rows, |r| &r.specialties),
        lists(rows, |r| &r.licensure),
        ints(rows, |r| r.age),
        strings(rows, |r| r.sex),
        lists(rows, |r| &r.diagnoses),
        lists(rows, |r| &r.conditions),
        strings(rows, |r| r.category.as_deref()),
        strings(rows, |r| r.subcategory.as_deref()),
        lists(rows, |r| &r.body_regions),
        lists(rows, |r| &r.spinal_levels),
        strings(rows, |r| Some(r.layout)),
        strings(rows, |r| Some(&r.path)),
        strings(rows, |r| r.content_hash.as_deref()),
        Arc::new(mtime.finish()),
        citations(rows, |r| &r.ur_citations),
        citations(rows, |r| &r.imr_citations),
        lists(rows, |r| &r.item_terms),
        lists(rows, |r| &r.terms),
    ];
    RecordBatch::try_new(arrow_schema(), columns)
}

#[cfg(test)]
mod tests {
    /// The schema as text, one column a line: the golden copy `schema/export-schema.txt`.
    fn described() -> String {
        super::arrow_schema()
            .fields()
            .iter()
            .map(|f| format!("{} {}{}\n", f.name(), f.data_type(), if f.is_nullable() { " null" } else { "" }))
            .collect()
    }

    #[test]
    fn the_export_schema_matches_its_golden_copy() {
        let now = described();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/export-schema.txt");
        if std::env::var_os("IMR_BLESS").is_some() {
            std::fs::write(path, &now).unwrap();
        }
        let golden = std::fs::read_to_string(path).expect("schema/export-schema.txt");
        assert_eq!(golden, now, "the export schema changed: update schema/export.md, then run with IMR_BLESS=1");
    }

    #[test]
    fn a_batch_has_the_schema_and_every_row() {
        let row = super::Row {
            case_number: Some("CM16-0000001".into()),
            item_no: 1,
            item_count: 1,
            item: "MRI lumbar spine".into(),
            original_request: None,
            authorized: None,
            outcome: "upheld",
            decision_date: crate::letter::Date::new(2016, 12, 9),
            date_assigned: None,
            date_of_injury: None,
            ur_denial_date: None,
            application_received: None,
            priority: None,
            specialties: vec!["Orthopedic Surgery".into()],
            licensure: vec![],
            age: Some(44),
            sex: Some("female"),
            diagnoses: vec![],
            conditions: vec![],
            category: None,
            subcategory: None,
            body_regions: vec!["lumbar spine".into()],
            spinal_levels: vec![],
            layout: "C",
            path: "a.txt".into(),
            content_hash: None,
            file_mtime: Some(1_481_291_107_000_000),
            ur_citations: vec![super::Cited { key: "ODG Low Back".into(), kind: "odg", text: "ODG".into() }],
            imr_citations: vec![],
            item_terms: vec!["lumbar".into(), "mri".into(), "spine".into()],
            terms: vec!["lumbar".into()],
            year: Some(2016),
        };
        let b = super::batch(&[row.clone(), row]).unwrap();
        assert_eq!(b.num_rows(), 2);
        assert_eq!(b.schema(), super::arrow_schema());
        let dates = b.column(7).as_any().downcast_ref::<arrow_array::Date32Array>().unwrap();
        assert_eq!(dates.value(0), 17_144); // 2016-12-09
    }
}
