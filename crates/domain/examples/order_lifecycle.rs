//! OrderFlow's rules without a database: a category tree and its price statistics, then an order placed, moved
//! along its lifecycle with the stock effects of each move, and the moves the rules refuse.
//!
//! Run with `cargo run -p orderflow-domain --example order_lifecycle`.

use std::collections::BTreeMap;
use std::error::Error;

use chrono::NaiveDate;
use orderflow_domain::catalogue::{
    CategoryId, CategoryPath, MoveError, Price, PriceTotals, ProductId, Sku, StockQuantity,
};
use orderflow_domain::notifications::format_amount;
use orderflow_domain::ordering::{
    merge_lines, Actor, OrderLine, OrderNumber, OrderStatus, RequestedLine, StockEffect,
};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A product as this example keeps it: what the store would hold.
struct Product {
    id: ProductId,
    name: &'static str,
    sku: &'static str,
    category: CategoryId,
    price: Price,
    stock: StockQuantity,
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut paths = category_tree()?;
    let mut products = products()?;
    subtree_statistics(&paths, &products);
    refused_and_allowed_moves(&mut paths)?;
    let lines = place_order(&mut products)?;
    run_lifecycle(&mut products, &lines)?;
    Ok(())
}

/// Garden (1) > Tools (5) > Rakes (23), and Kitchen (2) beside it.
fn category_tree() -> Result<BTreeMap<&'static str, CategoryPath>, Box<dyn Error>> {
    println!("== Category tree");
    let garden = CategoryPath::root(CategoryId(1));
    let tools = garden.child(CategoryId(5))?;
    let rakes = tools.child(CategoryId(23))?;
    let kitchen = CategoryPath::root(CategoryId(2));
    let paths = BTreeMap::from([
        ("Garden", garden),
        ("Tools", tools),
        ("Rakes", rakes),
        ("Kitchen", kitchen),
    ]);
    for (name, path) in &paths {
        println!("{name:8} {:12} level {}", path.encode(), path.level());
    }
    Ok(paths)
}

fn products() -> Result<Vec<Product>, Box<dyn Error>> {
    let product = |n, name, sku, category, price: &str, stock| -> Result<Product, Box<dyn Error>> {
        Ok(Product {
            id: ProductId(Uuid::from_u128(n)),
            name,
            sku,
            category: CategoryId(category),
            price: Price::parse(price)?,
            stock: StockQuantity::new(stock)?,
        })
    };
    Ok(vec![
        product(1, "Garden rake", "RAKE-001", 23, "1499.99", 10)?,
        product(2, "Leaf rake", "RAKE-002", 23, "899.50", 4)?,
        product(3, "Spade", "TOOL-010", 5, "2350.00", 7)?,
        product(4, "Watering can", "GARD-100", 1, "650.00", 20)?,
        product(5, "Kettle", "KIT-001", 2, "3200.00", 3)?,
    ])
}

/// Each category's totals combine into its subtree's statistics: one pass over the products, no float.
fn subtree_statistics(paths: &BTreeMap<&'static str, CategoryPath>, products: &[Product]) {
    println!("\n== Price statistics of each subtree");
    let mut per_category: BTreeMap<CategoryId, PriceTotals> = BTreeMap::new();
    for product in products {
        per_category
            .entry(product.category)
            .or_default()
            .combine(&PriceTotals::of(&[product.price]));
    }
    for (name, path) in paths {
        let mut subtree = PriceTotals::default();
        for (category, totals) in &per_category {
            let below = paths
                .values()
                .any(|p| p.id() == *category && p.is_within(path));
            if below {
                subtree.combine(totals);
            }
        }
        let stats = subtree.stats();
        let money = |amount: Option<Decimal>| amount.map_or("-".to_owned(), format_amount);
        println!(
            "{name:8} {} product(s), average {}, from {} to {}",
            stats.count,
            money(stats.average),
            money(stats.min),
            money(stats.max)
        );
    }
}

fn refused_and_allowed_moves(
    paths: &mut BTreeMap<&'static str, CategoryPath>,
) -> Result<(), Box<dyn Error>> {
    println!("\n== Moving categories");
    let garden = paths["Garden"].clone();
    let tools = paths["Tools"].clone();
    let rakes = paths["Rakes"].clone();
    let kitchen = paths["Kitchen"].clone();
    // Garden's subtree reaches two levels below it.
    match MoveError::check(&garden, Some(&rakes), 2) {
        Ok(path) => println!("Garden under Rakes: moved to {path} (unexpected)"),
        Err(refused) => println!("Garden under Rakes: refused: {refused}"),
    }
    match MoveError::check(&tools, Some(&tools), 1) {
        Ok(path) => println!("Tools under Tools: moved to {path} (unexpected)"),
        Err(refused) => println!("Tools under Tools: refused: {refused}"),
    }
    let moved = MoveError::check(&tools, Some(&kitchen), 1)?;
    // Every path in the moved subtree swaps the old prefix for the new one.
    for path in paths.values_mut() {
        if let Some(rebased) = path.rebased(&tools, &moved) {
            *path = rebased;
        }
    }
    println!(
        "Tools under Kitchen: allowed; Tools is now {}, Rakes {}",
        paths["Tools"], paths["Rakes"]
    );
    Ok(())
}

/// The customer asks for the garden rake twice and a spade; stock is taken at placement.
fn place_order(products: &mut [Product]) -> Result<Vec<OrderLine>, Box<dyn Error>> {
    println!("\n== Placing an order");
    let requested = [
        RequestedLine {
            product_id: products[0].id,
            quantity: 2,
        },
        RequestedLine {
            product_id: products[2].id,
            quantity: 1,
        },
        RequestedLine {
            product_id: products[0].id,
            quantity: 1,
        },
    ];
    let merged = merge_lines(&requested).map_err(|errors| format!("{errors:?}"))?;
    println!(
        "{} requested line(s) merge into {}",
        requested.len(),
        merged.len()
    );
    let mut lines = Vec::new();
    for line in merged {
        let product = products
            .iter_mut()
            .find(|p| p.id == line.product_id)
            .ok_or("unknown product")?;
        product.stock = StockQuantity::new(i64::from(product.stock.units()) - line.quantity)?;
        lines.push(OrderLine {
            product_id: product.id,
            product_name: product.name.into(),
            product_sku: Sku::parse(product.sku)?,
            quantity: line.quantity,
            unit_price: product.price,
        });
    }
    let day = NaiveDate::from_ymd_opt(2026, 11, 24).ok_or("no such day")?;
    println!("Order {}", OrderNumber::new(day, 1));
    for line in &lines {
        println!(
            "  {} x{} @ {} = {}",
            line.product_name,
            line.quantity,
            format_amount(line.unit_price.amount()),
            format_amount(line.subtotal())
        );
    }
    println!("  total {}", format_amount(OrderLine::total(&lines)));
    print_stock(products);
    Ok(lines)
}

fn run_lifecycle(products: &mut [Product], lines: &[OrderLine]) -> Result<(), Box<dyn Error>> {
    println!("\n== Lifecycle");
    let mut status = OrderStatus::Pending;
    let moves = [
        (OrderStatus::Confirmed, Actor::Staff, false),
        (OrderStatus::Processing, Actor::Staff, false),
        // Too late for the owner to cancel: the order is being prepared.
        (OrderStatus::Cancelled, Actor::Owner, false),
        // No way back.
        (OrderStatus::Pending, Actor::Staff, false),
        (OrderStatus::Shipped, Actor::Staff, false),
        (OrderStatus::Delivered, Actor::Staff, false),
        // Refunded, and the goods go back on the shelf.
        (OrderStatus::Refunded, Actor::Staff, true),
    ];
    for (to, actor, restock) in moves {
        match status.transition(to, actor, restock) {
            Ok(effect) => {
                println!("{status} -> {to} by {actor:?}: stock {effect:?}");
                if effect == StockEffect::Return {
                    return_stock(products, lines)?;
                    print_stock(products);
                }
                status = to;
            }
            Err(refused) => println!("{status} -> {to} by {actor:?}: refused: {refused}"),
        }
    }
    println!("Final status: {}", status.label());
    Ok(())
}

fn return_stock(products: &mut [Product], lines: &[OrderLine]) -> Result<(), Box<dyn Error>> {
    for line in lines {
        let product = products
            .iter_mut()
            .find(|p| p.id == line.product_id)
            .ok_or("unknown product")?;
        let units = i32::try_from(line.quantity)?;
        product.stock = product.stock.returned(units).ok_or("stock overflow")?;
    }
    Ok(())
}

fn print_stock(products: &[Product]) {
    let levels: Vec<String> = products
        .iter()
        .map(|p| format!("{} {}", p.sku, p.stock.units()))
        .collect();
    println!("  stock: {}", levels.join(", "));
}
