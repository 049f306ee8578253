"""Single sign-on for the web pages: OpenID Connect and SAML 2.0 identity providers."""
