//! The names of the enums whose values clients and the database spell out (`pending`, `super_admin`, `sms`...).

/// Gives a field-less enum its names: `ALL` (every value, in declaration order), `as_str` (the name clients and the
/// database use), `FromStr` (any other name is refused with the given error, which holds it) and `Display` (the
/// name). Written once here instead of by hand for each enum, so that a new value is one line.
macro_rules! named_values {
    ($enum:ident, unknown: $unknown:ident, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $enum {
            /// Every value, in declaration order.
            pub const ALL: [$enum; [$($name),+].len()] = [$($enum::$variant),+];

            /// The name clients and the database use.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($enum::$variant => $name),+
                }
            }
        }

        impl std::str::FromStr for $enum {
            type Err = $unknown;

            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|value| value.as_str() == raw)
                    .ok_or_else(|| $unknown(raw.to_owned()))
            }
        }

        impl std::fmt::Display for $enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use named_values;
