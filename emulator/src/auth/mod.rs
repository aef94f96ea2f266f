//! Who is calling: webhook credentials in the path or an OAuth access token in `auth`, the user
//! and scopes they grant, and the authorization server that issues and refreshes tokens.

pub mod credentials;
pub mod oauth;
