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
    // By the words a header holds, not its exact spelling: products and years name the same
    // column differently (`Parameter`, `Parameter name`, `Data type`, `Required?`, `Sample value`).
    let h: String = header
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = h.split_whitespace().collect();
    let has = |w: &str| words.iter().any(|x| x.starts_with(w));
    if words.is_empty() {
        Column::Ignored
    } else if has("http") || has("status") {
        Column::HttpStatus
    } else if has("code") {
        Column::Code
    } else if has("message") || has("information") || has("msg") {
        Column::Message
    } else if has("required") || has("mandatory") {
        Column::Required
    } else if has("example") || has("sample") {
        Column::Example
    } else if has("description") || has("meaning") || has("note") || has("remark") {
        Column::Description
    } else if has("type") || has("datatype") {
        Column::Type
    } else if has("parameter") || has("name") || has("field") || has("param") {
        Column::Name
    } else {
        Column::Ignored
    }
}

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
        assert_eq!(column_of("Parameter name"), Column::Name);
        assert_eq!(column_of("Data type"), Column::Type);
        assert_eq!(column_of("Sample value"), Column::Example);
        assert_eq!(column_of("Is required"), Column::Required);
        assert_eq!(column_of("Code"), Column::Code);
        assert_eq!(column_of("Error message"), Column::Message);
        assert_eq!(column_of("HTTP status code"), Column::HttpStatus);
    }
}
