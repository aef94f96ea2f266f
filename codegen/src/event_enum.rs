//! `src/event.rs` of the generated crate: one `Event` enum with a variant per spec event,
//! carrying its payload struct, and the name match that types a decoded post.

use proc_macro2::{Ident, Span};
use quote::quote;

use crate::emit;
use crate::emit::header;
use crate::ir::Crate;

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// The file, or `None` for a spec without events.
pub fn event_rs(krate: &Crate) -> Option<String> {
    if krate.events.is_empty() {
        return None;
    }
    let variants = krate.events.iter().map(|e| {
        let name = ident(&e.payload);
        let scope = &e.scope;
        let doc = emit::doc_attrs(&format!("`{}` (scope `{}`): {}.", e.wire, e.scope, e.title));
        quote! {
            #doc
            #[cfg(feature = #scope)]
            #name(Box<event_payloads::#name>),
        }
    });
    let arms = krate.events.iter().map(|e| {
        let name = ident(&e.payload);
        let scope = &e.scope;
        let upper = std::iter::once(e.wire.to_ascii_uppercase()).chain(e.aliases.iter().cloned());
        quote! {
            #[cfg(feature = #scope)]
            #(#upper)|* => typed(post).map(Event::#name),
        }
    });
    let names = krate.events.iter().map(|e| {
        let name = ident(&e.payload);
        let scope = &e.scope;
        let wire = &e.wire;
        quote! {
            #[cfg(feature = #scope)]
            Event::#name(_) => #wire,
        }
    });
    let tokens = quote! {
        use crate::__private::serde::de::DeserializeOwned;
        use crate::serde_json;

        #[allow(unused_imports)] // with no scope feature on, no payload is used
        use crate::event_payloads;
        use crate::{EventPayloadError, EventPost, FromEventPost};

        /// An event post typed by its name: a variant per event of the spec, carrying its
        /// payload (each gated by its scope's cargo feature), and [`Event::Unknown`] for the
        /// rest. Undocumented keys are kept in the payloads' `extra` maps.
        ///
        /// ```
        /// use bitrix24::{Event, EventDecoder, Secret};
        ///
        /// let body = b"event=ONCRMDEALADD&data[FIELDS][ID]=6641&ts=1735374081\
        ///     &auth[application_token]=51856fef";
        /// let post = EventDecoder::default().form(body)?;
        /// post.check_application_token(&Secret::new("51856fef"))?;
        /// # #[cfg(feature = "crm")]
        /// match Event::from_post(post)? {
        ///     Event::OnCrmDealAdd(deal) => {
        ///         let id = deal.data.and_then(|d| d.fields).and_then(|f| f.id);
        ///         assert_eq!(id, Some(6641));
        ///     }
        ///     other => panic!("{}", other.name()),
        /// }
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// An event the spec does not have, or whose scope's cargo feature is off.
            Unknown(Box<EventPost>),
        }

        impl Event {
            /// Types a decoded post by its `event` name, in any case (portals send
            /// `ONCRMDEALADD`, the docs write `onCrmDealAdd`).
            ///
            /// # Errors
            /// When a known event's payload does not fit its documented type; the error keeps
            /// the whole post, so the event is not lost.
            pub fn from_post(post: EventPost) -> Result<Event, EventPayloadError> {
                match post.name.to_ascii_uppercase().as_str() {
                    #(#arms)*
                    _ => Ok(Event::Unknown(Box::new(post))),
                }
            }

            /// The event's name: as the spec spells it, or as an unknown post sent it.
            pub fn name(&self) -> &str {
                match self {
                    #(#names)*
                    Event::Unknown(post) => &post.name,
                }
            }
        }

        impl FromEventPost for Event {
            fn from_event_post(post: EventPost) -> Result<Self, EventPayloadError> {
                Event::from_post(post)
            }
        }

        /// The post read into a payload struct; a value that does not fit keeps the post.
        #[allow(dead_code)] // with no scope feature on, no event is typed
        fn typed<T: DeserializeOwned>(post: EventPost) -> Result<Box<T>, EventPayloadError> {
            let decoded = serde_json::to_value(&post).and_then(serde_json::from_value);
            match decoded {
                Ok(payload) => Ok(Box::new(payload)),
                Err(e) => Err(EventPayloadError::new(post, e.to_string())),
            }
        }
    };
    Some(emit::format_file(
        &header("spec/events/"),
        "Every event of the spec as one enum.",
        tokens,
    ))
}
