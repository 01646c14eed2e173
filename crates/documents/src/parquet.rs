//! Parquet files as one table: the leaf columns by dotted path, one row
//! per record, read row group by row group and, within one, a batch of
//! records at a time from every column's own reader (never the whole
//! file, never a whole row group, in memory).
//!
//! Rows are assembled from each column's repetition and definition levels
//! rather than through parquet's record API: that API builds a tree per
//! row with every column's name copied into it, fails a whole file on one
//! invalid UTF-8 string, and panics on an out-of-range timestamp.

mod footer;
mod remote;
mod render;

use std::sync::{mpsc, Arc};

use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{
    BoolType, ByteArray, ByteArrayType, DataType, DoubleType, FixedLenByteArray,
    FixedLenByteArrayType, FloatType, Int32Type, Int64Type, Int96, Int96Type,
};
use parquet::errors::ParquetError;
use parquet::file::reader::{FileReader, RowGroupReader};
use parquet::file::serialized_reader::SerializedFileReader;
use parquet::schema::types::{SchemaDescriptor, Type};

use crate::{guarded, Bound, DocError, DocFormat, Limits, Meter, Sink, Source};
use remote::{Cause, Remote};
use render::Plan;

/// Records read from every column at a time: enough to amortise the
/// readers' calls, small enough that a batch of wide rows stays small.
const BATCH: usize = 1024;

/// What joins the values of one column within one record (the elements
/// of a list, the values of a list of structs' field).
const LIST_SEP: &str = "; ";

pub(crate) fn read(
    source: Source<'_>,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<(), DocError> {
    let Source { reader, len, .. } = source;
    let cause = Arc::new(Cause::default());
    std::thread::scope(|scope| {
        let (req_tx, req_rx) = mpsc::channel();
        let (rep_tx, rep_rx) = mpsc::channel();
        scope.spawn(move || remote::serve(reader, req_rx, rep_tx));
        // The server stops when the last `Remote` (inside parquet's readers)
        // is dropped, which `decode` does before it returns.
        let remote = Remote::new(
            req_tx,
            rep_rx,
            len,
            limits.max_inflated_bytes,
            Arc::clone(&cause),
        );
        let mut meter = Meter::new(DocFormat::Parquet, limits, sink);
        guarded(DocFormat::Parquet, || {
            decode(remote, limits, &mut meter, &cause)
        })
    })
}

fn decode(
    remote: Remote,
    limits: &Limits,
    meter: &mut Meter<'_>,
    cause: &Cause,
) -> Result<(), DocError> {
    let fail = |e: ParquetError| failure(e, cause);
    footer::check(&remote).map_err(|e| cause.take().unwrap_or(e))?;
    let file = SerializedFileReader::new(remote).map_err(fail)?;
    let meta = file.metadata();
    let schema = meta.file_metadata().schema_descr();
    let plans: Vec<Plan> = schema
        .columns()
        .iter()
        .map(|c| Plan::for_column(c))
        .collect();
    let names = column_names(schema);
    let header: Vec<&str> = names.iter().map(String::as_str).collect();
    meter.part("")?;
    meter.header(&header)?;

    let mut texts = vec![String::new(); plans.len()];
    let mut row = 0u64;
    for rg in 0..meta.num_row_groups() {
        let rg_meta = meta.row_group(rg);
        for col in rg_meta.columns() {
            if u64::try_from(col.uncompressed_size())
                .map_or(true, |n| n > limits.max_inflated_bytes)
            {
                return Err(DocError::Limit {
                    format: DocFormat::Parquet,
                    bound: Bound::Inflate,
                    limit: limits.max_inflated_bytes,
                });
            }
        }
        let group = file.get_row_group(rg).map_err(fail)?;
        let mut columns = (0..plans.len())
            .map(|i| Column::new(group.get_column_reader(i)?, &*group, i))
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        loop {
            let mut records = None;
            for col in &mut columns {
                let n = col.fill(BATCH).map_err(fail)?;
                if *records.get_or_insert(n) != n {
                    return Err(corrupt(format!(
                        "row group {rg}: columns hold different numbers of rows"
                    )));
                }
            }
            let records = records.unwrap_or(0);
            if records == 0 {
                break;
            }
            for _ in 0..records {
                for ((col, plan), text) in columns.iter_mut().zip(&plans).zip(&mut texts) {
                    text.clear();
                    col.next_record(*plan, text);
                }
                row += 1;
                let cells: Vec<(u32, &str)> = texts
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| !t.is_empty())
                    .map(|(i, t)| (i as u32, t.as_str()))
                    .collect();
                meter.row(row, &cells)?;
            }
        }
    }
    Ok(())
}

fn corrupt(detail: String) -> DocError {
    DocError::Corrupt {
        format: DocFormat::Parquet,
        detail,
    }
}

/// A parquet error as ours: a limit or I/O error the reader recorded wins
/// over the generic error parquet made of it.
fn failure(e: ParquetError, cause: &Cause) -> DocError {
    if let Some(c) = cause.take() {
        return c;
    }
    match e {
        ParquetError::NYI(detail) => DocError::Unsupported {
            format: DocFormat::Parquet,
            detail,
        },
        e => corrupt(e.to_string()),
    }
}

/// The leaf columns' names a person would use: the dotted path of
/// nested groups, without the wrappers the format adds for lists
/// (`tags.list.element` is `tags`) and maps (`attrs.key_value.key` is
/// `attrs.key`). Falls back to the physical paths if the schema is one
/// these rules do not cover.
fn column_names(schema: &SchemaDescriptor) -> Vec<String> {
    let mut names = Vec::with_capacity(schema.num_columns());
    for field in schema.root_schema().get_fields() {
        walk(field, field.name().to_string(), &mut names);
    }
    if names.len() != schema.num_columns() {
        return schema.columns().iter().map(|c| c.path().string()).collect();
    }
    names
}

fn walk(t: &Type, path: String, names: &mut Vec<String>) {
    if t.is_primitive() {
        names.push(path);
        return;
    }
    let fields = t.get_fields();
    let info = t.get_basic_info();
    let is_list = info.converted_type() == parquet::basic::ConvertedType::LIST
        || matches!(
            info.logical_type_ref(),
            Some(parquet::basic::LogicalType::List)
        );
    let is_map = matches!(
        info.converted_type(),
        parquet::basic::ConvertedType::MAP | parquet::basic::ConvertedType::MAP_KEY_VALUE
    ) || matches!(
        info.logical_type_ref(),
        Some(parquet::basic::LogicalType::Map)
    );
    if is_list && fields.len() == 1 {
        let repeated = &fields[0];
        if repeated.is_primitive() {
            names.push(path);
            return;
        }
        let inner = repeated.get_fields();
        // The three-level list: the repeated group only wraps the element.
        // Older writers made the repeated group itself the element (named
        // `array`, `<list>_tuple`, or with several fields).
        let tuple = format!("{}_tuple", t.name());
        if inner.len() == 1 && repeated.name() != "array" && repeated.name() != tuple {
            walk(&inner[0], path, names);
        } else {
            for f in inner {
                walk(f, format!("{path}.{}", f.name()), names);
            }
        }
        return;
    }
    if is_map && fields.len() == 1 && !fields[0].is_primitive() {
        for f in fields[0].get_fields() {
            walk(f, format!("{path}.{}", f.name()), names);
        }
        return;
    }
    for f in fields {
        walk(f, format!("{path}.{}", f.name()), names);
    }
}

/// One leaf column of a row group: its reader, and the levels and values
/// of the batch being turned into rows.
struct Column {
    data: Data,
    def: Vec<i16>,
    rep: Vec<i16>,
    max_def: i16,
    max_rep: i16,
    levels: usize,
    level_at: usize,
    value_at: usize,
}

enum Data {
    Bool(ColumnReaderImpl<BoolType>, Vec<bool>),
    I32(ColumnReaderImpl<Int32Type>, Vec<i32>),
    I64(ColumnReaderImpl<Int64Type>, Vec<i64>),
    I96(ColumnReaderImpl<Int96Type>, Vec<Int96>),
    F32(ColumnReaderImpl<FloatType>, Vec<f32>),
    F64(ColumnReaderImpl<DoubleType>, Vec<f64>),
    Bytes(ColumnReaderImpl<ByteArrayType>, Vec<ByteArray>),
    Fixed(
        ColumnReaderImpl<FixedLenByteArrayType>,
        Vec<FixedLenByteArray>,
    ),
}

impl Column {
    fn new(
        reader: ColumnReader,
        group: &dyn RowGroupReader,
        i: usize,
    ) -> Result<Column, ParquetError> {
        let descr = group.metadata().column(i).column_descr();
        let data = match reader {
            ColumnReader::BoolColumnReader(r) => Data::Bool(r, Vec::new()),
            ColumnReader::Int32ColumnReader(r) => Data::I32(r, Vec::new()),
            ColumnReader::Int64ColumnReader(r) => Data::I64(r, Vec::new()),
            ColumnReader::Int96ColumnReader(r) => Data::I96(r, Vec::new()),
            ColumnReader::FloatColumnReader(r) => Data::F32(r, Vec::new()),
            ColumnReader::DoubleColumnReader(r) => Data::F64(r, Vec::new()),
            ColumnReader::ByteArrayColumnReader(r) => Data::Bytes(r, Vec::new()),
            ColumnReader::FixedLenByteArrayColumnReader(r) => Data::Fixed(r, Vec::new()),
        };
        Ok(Column {
            data,
            def: Vec::new(),
            rep: Vec::new(),
            max_def: descr.max_def_level(),
            max_rep: descr.max_rep_level(),
            levels: 0,
            level_at: 0,
            value_at: 0,
        })
    }

    /// Reads the next `max` records (fewer at the end); returns how many.
    fn fill(&mut self, max: usize) -> Result<usize, ParquetError> {
        self.def.clear();
        self.rep.clear();
        self.level_at = 0;
        self.value_at = 0;
        let (def, rep) = (&mut self.def, &mut self.rep);
        let (records, _values, levels) = match &mut self.data {
            Data::Bool(r, v) => batch(r, max, def, rep, v),
            Data::I32(r, v) => batch(r, max, def, rep, v),
            Data::I64(r, v) => batch(r, max, def, rep, v),
            Data::I96(r, v) => batch(r, max, def, rep, v),
            Data::F32(r, v) => batch(r, max, def, rep, v),
            Data::F64(r, v) => batch(r, max, def, rep, v),
            Data::Bytes(r, v) => batch(r, max, def, rep, v),
            Data::Fixed(r, v) => batch(r, max, def, rep, v),
        }?;
        self.levels = levels;
        Ok(records)
    }

    /// Appends the text of this column's values in the next record to
    /// `out`, joined by [`LIST_SEP`]; a null adds nothing.
    fn next_record(&mut self, plan: Plan, out: &mut String) {
        let mut first = true;
        while self.level_at < self.levels {
            if !first && (self.max_rep == 0 || self.rep.get(self.level_at) == Some(&0)) {
                break;
            }
            first = false;
            let defined = self.max_def == 0 || self.def.get(self.level_at) == Some(&self.max_def);
            self.level_at += 1;
            if defined {
                let at = self.value_at;
                self.value_at += 1;
                let mark = out.len();
                if mark > 0 {
                    out.push_str(LIST_SEP);
                }
                let start = out.len();
                self.data.render(at, plan, out);
                if out.len() == start {
                    out.truncate(mark);
                }
            }
        }
    }
}

fn batch<T: DataType>(
    reader: &mut ColumnReaderImpl<T>,
    max: usize,
    def: &mut Vec<i16>,
    rep: &mut Vec<i16>,
    values: &mut Vec<T::T>,
) -> Result<(usize, usize, usize), ParquetError> {
    values.clear();
    reader.read_records(max, Some(def), Some(rep), values)
}

impl Data {
    fn render(&self, at: usize, plan: Plan, out: &mut String) {
        match self {
            Data::Bool(_, v) => v.get(at).into_iter().for_each(|&x| plan.bool(x, out)),
            Data::I32(_, v) => v
                .get(at)
                .into_iter()
                .for_each(|&x| plan.int(i64::from(x), u64::from(x as u32), out)),
            Data::I64(_, v) => v
                .get(at)
                .into_iter()
                .for_each(|&x| plan.int(x, x as u64, out)),
            Data::I96(_, v) => v.get(at).into_iter().for_each(|x| plan.int96(x, out)),
            Data::F32(_, v) => v.get(at).into_iter().for_each(|&x| plan.f32(x, out)),
            Data::F64(_, v) => v.get(at).into_iter().for_each(|&x| plan.float(x, out)),
            Data::Bytes(_, v) => v
                .get(at)
                .into_iter()
                .for_each(|x| plan.bytes(x.data(), out)),
            Data::Fixed(_, v) => v
                .get(at)
                .into_iter()
                .for_each(|x| plan.bytes(x.data(), out)),
        }
    }
}
