//! Closed sets of words the services store and send: one spelling each.
//!
//! Every value keeps its stored/wire spelling in one place ([`string_enum!`]): `as_str`,
//! `Display`, `FromStr` and serde all read the same table, and an unknown spelling is an
//! error (never a default), so a row written by a newer version or edited by hand is
//! refused where it is read instead of being taken for something else.

/// A spelling that is not one of a vocabulary's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {vocabulary} `{value}`")]
pub struct UnknownWord {
    pub vocabulary: &'static str,
    pub value: String,
}

/// Declares a fieldless enum with one spelling per variant, and derives its string forms
/// from that one table. (`pupero-core`'s own vocabularies add a SeaORM column type when
/// its `sea-orm` feature is on.)
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($vocabulary:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling stored in the database and sent on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::vocabulary::UnknownWord;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::vocabulary::UnknownWord {
                        vocabulary: $vocabulary,
                        value: s.chars().take(64).collect(),
                    }),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                text.parse().map_err(|_| {
                    ::serde::de::Error::unknown_variant(&text, &[$($text),+])
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::string_enum! {
        enum Colour ("colour") {
            Red = "red",
            DarkBlue = "dark_blue",
        }
    }

    #[test]
    fn every_form_reads_the_one_table() {
        for c in Colour::ALL {
            assert_eq!(c.to_string(), c.as_str());
            assert_eq!(c.as_str().parse::<Colour>(), Ok(*c));
            let json = serde_json::to_string(c).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<Colour>(&json).ok(), Some(*c));
        }
    }

    #[test]
    fn an_unknown_spelling_is_an_error_not_a_default() {
        let err = "Red".parse::<Colour>().err();
        assert_eq!(
            err.map(|e| e.to_string()),
            Some("unknown colour `Red`".to_owned())
        );
        assert!(serde_json::from_str::<Colour>("\"purple\"").is_err());
    }
}
