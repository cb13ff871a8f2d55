//! Paging as each page documents it: `PageNumber`/`PageSize` (answered with the page number and
//! size; the caller sets `TotalCount`) or `NextToken`/`MaxResults`. Default page sizes are the
//! page's defaults (read from the spec), the maximum is the generated paginator's.

use crate::answer::Spec;
use crate::errors::ApiError;

/// What the request asked for.
#[derive(Clone, Copy)]
pub(crate) struct Paging<'a> {
    spec: &'a Spec,
    max: Option<i64>,
    page_number: Option<i32>,
    page_size: Option<i32>,
    next_token: Option<&'a str>,
    max_results: Option<i32>,
}

impl<'a> Paging<'a> {
    pub(crate) fn of(
        spec: &'a Spec,
        max: Option<i64>,
        page_number: Option<i32>,
        page_size: Option<i32>,
        next_token: Option<&'a str>,
        max_results: Option<i32>,
    ) -> Self {
        Paging {
            spec,
            max,
            page_number,
            page_size,
            next_token,
            max_results,
        }
    }
}

/// One page of items and the paging fields to answer with.
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
    pub page_number: Option<i64>,
    pub page_size: Option<i64>,
}

/// The page of `items` the request asks for: token style when it sends `NextToken` or
/// `MaxResults` or the page documents no `PageNumber`, numbered otherwise.
pub(crate) fn page<T>(items: Vec<T>, p: Paging) -> Result<Page<T>, ApiError> {
    let numbered = p.spec.has_param("PageNumber");
    if p.next_token.is_some() || p.max_results.is_some() || !numbered {
        let size = page_size(p.max_results, p.spec.default_int("MaxResults"), p.max);
        let (items, next_token) = token_page(items, p.next_token, size)?;
        return Ok(Page {
            items,
            next_token,
            page_number: None,
            page_size: None,
        });
    }
    let size = page_size(p.page_size, p.spec.default_int("PageSize"), p.max);
    let number = p
        .page_number
        .map(i64::from)
        .or(p.spec.default_int("PageNumber"))
        .unwrap_or(1)
        .max(1);
    let skip = usize::try_from(number - 1)
        .unwrap_or(usize::MAX)
        .saturating_mul(size);
    Ok(Page {
        items: items.into_iter().skip(skip).take(size).collect(),
        next_token: None,
        page_number: Some(number),
        page_size: Some(size as i64),
    })
}

/// The page size asked for, else the page's default, never above the documented maximum.
fn page_size(asked: Option<i32>, default: Option<i64>, max: Option<i64>) -> usize {
    let size = asked
        .map(i64::from)
        .filter(|s| *s > 0)
        .or(default)
        .or(max)
        .unwrap_or(1);
    let size = max.map_or(size, |m| size.min(m));
    usize::try_from(size).unwrap_or(1).max(1)
}

/// `NextToken`/`MaxResults` paging. A token is the offset of the next item, in hex, as opaque to
/// callers as the service's; one the emulator did not issue is `InvalidParameter`.
fn token_page<T>(
    items: Vec<T>,
    token: Option<&str>,
    size: usize,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let start = match token.filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => usize::from_str_radix(t, 16)
            .ok()
            .filter(|_| t.len() == TOKEN_LEN)
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "The specified parameter `NextToken` is not valid: {t}"
                ))
            })?,
    };
    let total = items.len();
    let end = start.saturating_add(size);
    let next = (end < total).then(|| format!("{end:0width$x}", width = TOKEN_LEN));
    Ok((items.into_iter().skip(start).take(size).collect(), next))
}

const TOKEN_LEN: usize = 32;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::spec;

    #[test]
    fn token_pages_cover_every_item_once() {
        let items: Vec<u32> = (0..7).collect();
        let (a, t) = token_page(items.clone(), None, 3).unwrap();
        let (b, t) = token_page(items.clone(), t.as_deref(), 3).unwrap();
        let (c, t) = token_page(items.clone(), t.as_deref(), 3).unwrap();
        assert_eq!((a, b, c, t), (vec![0, 1, 2], vec![3, 4, 5], vec![6], None));
        assert!(token_page(items, Some("zz"), 3).is_err());
    }

    #[test]
    fn defaults_come_from_the_page() {
        let items: Vec<u32> = (0..57).collect();
        let spec = spec!("DescribeInstances");
        let p = page(
            items.clone(),
            Paging::of(spec, Some(100), None, None, None, None),
        );
        let p = p.unwrap();
        assert_eq!(
            (p.items.len(), p.page_number, p.page_size),
            (10, Some(1), Some(10))
        );
        // Only NextToken/MaxResults documented: token style by default.
        let spec = spec!("DescribeSnapshotGroups");
        let p = page(items, Paging::of(spec, Some(100), None, None, None, None)).unwrap();
        assert_eq!((p.items.len(), p.page_number), (10, None));
        assert!(p.next_token.is_some());
    }
}
