//! Table columns by header synonym, never by position.

use crate::doc::Table;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    Type,
    Required,
    Example,
    Description,
    HttpStatus,
    Code,
    Message,
    /// `Position` (always `Query`) and unknown headers.
    Ignored,
}

/// Which header synonym means which column.
pub fn column_of(header: &str) -> Column {
    let h = header
        .trim()
        .trim_end_matches('?')
        .trim()
        .to_ascii_lowercase();
    match h.as_str() {
        "parameter" | "name" => Column::Name,
        "type" => Column::Type,
        "required" => Column::Required,
        "example" | "example value" => Column::Example,
        "description" | "meaning" | "note" => Column::Description,
        "http status code" | "httpcode" | "http" | "http stauts code" => Column::HttpStatus,
        "error code" => Column::Code,
        "error message" | "error information" | "error messages" => Column::Message,
        _ => Column::Ignored,
    }
}

/// Column indexes of one table.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub name: Option<usize>,
    pub ty: Option<usize>,
    pub required: Option<usize>,
    pub example: Option<usize>,
    pub description: Option<usize>,
    pub http_status: Option<usize>,
    pub code: Option<usize>,
    pub message: Option<usize>,
}

impl Columns {
    pub fn of(table: &Table) -> Columns {
        let mut c = Columns::default();
        for (i, header) in table.header.iter().enumerate() {
            let slot = match column_of(header) {
                Column::Name => &mut c.name,
                Column::Type => &mut c.ty,
                Column::Required => &mut c.required,
                Column::Example => &mut c.example,
                Column::Description => &mut c.description,
                Column::HttpStatus => &mut c.http_status,
                Column::Code => &mut c.code,
                Column::Message => &mut c.message,
                Column::Ignored => continue,
            };
            // The first column with a meaning wins; a repeated header is ignored.
            slot.get_or_insert(i);
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms() {
        assert_eq!(column_of("Required?"), Column::Required);
        assert_eq!(column_of("Example value"), Column::Example);
        assert_eq!(column_of("HTTP stauts code"), Column::HttpStatus);
        assert_eq!(column_of("HttpCode"), Column::HttpStatus);
        assert_eq!(column_of("Error information"), Column::Message);
        assert_eq!(column_of("Meaning"), Column::Description);
        assert_eq!(column_of("Position"), Column::Ignored);
        assert_eq!(column_of("Name"), Column::Name);
    }
}
