//! SQL functions and helpers diesel does not provide.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, Bool, Text};
use diesel::{BoxableExpression, QueryResult, RunQueryDsl};

#[diesel::declare_sql_function]
extern "SQL" {
    /// `lower(text)`: names sorted without regard to letter case.
    #[sql_name = "lower"]
    fn lower_text(x: Text) -> Text;
}

/// A statement kept prepared on its connection (parsed once, then one round trip per run), keyed by its SQL text.
///
/// Diesel never keeps `UPDATE`s, raw SQL or inserts of defaultable values prepared, because one Rust type may
/// stand for several SQL texts and its cache may be keyed by the type. Keyed by the text itself (no static query
/// id), that cannot mix statements up, and the texts a statement can take are few (an insert of 1 to 100 items).
/// An order placement runs three such statements (its stock, its number, its rows).
///
/// Run it with `get_result` or `load` (a `RETURNING` clause makes any statement loadable): those hand diesel the
/// statement itself, while `execute` hands it a reference, whose mark diesel does not read, and so prepares the
/// statement anew each time. (`is_safe_to_cache_prepared` is a documented-hidden hook of diesel's `QueryFragment`:
/// `every_statement_of_a_placement_stays_prepared_on_its_connection` fails if an upgrade stops honouring it.)
#[derive(Debug, Clone, Copy)]
pub struct Prepared<Q>(Q);

pub fn prepared<Q>(statement: Q) -> Prepared<Q> {
    Prepared(statement)
}

impl<Q> QueryId for Prepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for Prepared<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &Pg) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q: Query> Query for Prepared<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> RunQueryDsl<Conn> for Prepared<Q> {}

/// A statement sent unnamed: Postgres plans it for the values bound to it on every run, and nothing of it stays on
/// the connection.
///
/// For listings whose best plan swings with their values (a subtree of one category or of five thousand, a price
/// band of 1% or 90% of the products: a cached generic plan once took 12 s where the plan for the values took
/// 45 ms), and for the query shapes a client can multiply (every combination of filters and orderings), which
/// would otherwise each stay prepared, on the server too, on every pooled connection.
#[derive(Debug, Clone, Copy)]
pub struct PlannedPerRun<Q>(Q);

pub fn planned_per_run<Q>(statement: Q) -> PlannedPerRun<Q> {
    PlannedPerRun(statement)
}

impl<Q> QueryId for PlannedPerRun<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for PlannedPerRun<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &Pg) -> QueryResult<bool> {
        Ok(false)
    }
}

impl<Q: Query> Query for PlannedPerRun<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> RunQueryDsl<Conn> for PlannedPerRun<Q> {}

/// The condition that every search term matches at least one of `columns` (case-insensitively, anywhere in the
/// text): one SQL expression whatever the number of terms, with the terms bound as one array parameter.
///
/// One diesel `.filter()` per term nests the previous filters in the new one, so the query's type (and the work,
/// and the stack, to build it) grows with the input: nine thousand words overflowed the stack. `columns` are SQL
/// column references written in this crate (`products.name`), never input.
pub fn matches_every_term<'a, QS: 'a>(
    columns: &[&'static str],
    terms: &[String],
) -> Box<dyn BoxableExpression<QS, Pg, SqlType = Bool> + 'a> {
    let patterns: Vec<String> = terms.iter().map(|term| contains_pattern(term)).collect();
    let any_column = columns
        .iter()
        .map(|column| format!("{column} ILIKE search.pattern"))
        .collect::<Vec<_>>()
        .join(" OR ");
    Box::new(
        diesel::dsl::sql::<Bool>("NOT EXISTS (SELECT 1 FROM unnest(")
            .bind::<Array<Text>, _>(patterns)
            .sql(&format!(") AS search(pattern) WHERE NOT ({any_column}))")),
    )
}

/// A `LIKE` pattern matching `term` anywhere, with the pattern characters of `term` escaped.
pub fn contains_pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(contains_pattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
        assert_eq!(contains_pattern("plain"), "%plain%");
    }
}
