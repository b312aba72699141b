//! Roles, ordered by what they may do: `customer < staff < admin < super_admin`.

use crate::named_values::named_values;

/// What an account may do. Each role includes every power of the roles below it, so a gate is one comparison:
/// `user.role >= Role::Staff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Role {
    /// Shops and orders for themselves.
    Customer,
    /// Manages the catalogue and orders.
    Staff,
    /// Also manages customers, notifications and the dashboard.
    Admin,
    /// Also creates other admins.
    SuperAdmin,
}

/// A role name that is not one of [`Role::ALL`]; holds the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}")]
pub struct UnknownRole(pub String);

impl Role {
    /// Staff or above: what the API reports as `is_staff`.
    pub fn is_staff(self) -> bool {
        self >= Role::Staff
    }

    /// True when an account with this role may act where `required` is needed.
    pub fn satisfies(self, required: Role) -> bool {
        self >= required
    }
}

// `ALL` runs from the least powerful role up.
named_values!(Role, unknown: UnknownRole, {
    Customer => "customer",
    Staff => "staff",
    Admin => "admin",
    SuperAdmin => "super_admin",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_totally_ordered_by_power() {
        assert!(Role::Customer < Role::Staff);
        assert!(Role::Staff < Role::Admin);
        assert!(Role::Admin < Role::SuperAdmin);
    }

    #[test]
    fn a_role_satisfies_itself_and_every_lower_requirement_only() {
        for held in Role::ALL {
            for required in Role::ALL {
                let expected = Role::ALL.iter().position(|r| *r == held)
                    >= Role::ALL.iter().position(|r| *r == required);
                assert_eq!(held.satisfies(required), expected, "{held} for {required}");
            }
        }
    }

    #[test]
    fn is_staff_from_staff_upwards() {
        assert!(!Role::Customer.is_staff());
        assert!(Role::Staff.is_staff());
        assert!(Role::Admin.is_staff());
        assert!(Role::SuperAdmin.is_staff());
    }

    #[test]
    fn round_trips_through_its_wire_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert_eq!(
            "emperor".parse::<Role>(),
            Err(UnknownRole("emperor".into()))
        );
        assert!("Admin".parse::<Role>().is_err(), "names are case-sensitive");
    }
}
