//! Every URL the instance mints for its own actors and endpoints, built in one place.

use url::Url;

use trellis_config::Config;

/// Builds this instance's public URLs from its scheme and domain.
#[derive(Clone, Debug)]
pub struct Urls {
    base: Url,
    domain: String,
}

impl Urls {
    /// URLs for the configured domain and scheme.
    pub fn new(config: &Config) -> Self {
        let base = Url::parse(&format!("{}://{}/", config.scheme(), config.domain))
            .expect("domain validated by Config");
        Self {
            base,
            domain: config.domain.clone(),
        }
    }

    /// `host[:port]` as configured.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The instance root, ending in `/`.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// An absolute URL for a path starting with `/`.
    pub fn at(&self, path: &str) -> String {
        self.base.join(path).expect("valid path").to_string()
    }

    /// A local person's actor id, which is also their profile page.
    pub fn user(&self, username: &str) -> String {
        self.at(&format!("/users/{username}"))
    }

    /// A local person's inbox.
    pub fn user_inbox(&self, username: &str) -> String {
        self.at(&format!("/users/{username}/inbox"))
    }

    /// A local person's outbox.
    pub fn user_outbox(&self, username: &str) -> String {
        self.at(&format!("/users/{username}/outbox"))
    }

    /// A local person's pinned posts (the `featured` collection).
    pub fn user_featured(&self, username: &str) -> String {
        self.at(&format!("/users/{username}/collections/featured"))
    }

    /// A local person's followers collection.
    pub fn user_followers(&self, username: &str) -> String {
        self.at(&format!("/users/{username}/followers"))
    }

    /// A local person's following collection.
    pub fn user_following(&self, username: &str) -> String {
        self.at(&format!("/users/{username}/following"))
    }

    /// The id of an actor's key, as a fragment of the actor id.
    pub fn key_id(actor_uri: &str) -> String {
        format!("{actor_uri}#main-key")
    }

    /// The shared inbox of this instance.
    pub fn shared_inbox(&self) -> String {
        self.at("/inbox")
    }

    /// The instance (application) actor.
    pub fn instance_actor(&self) -> String {
        self.at("/actor")
    }

    /// `host[:port]` of a URL, the key Trellis uses for a remote server.
    pub fn authority(url: &Url) -> Option<String> {
        let host = url.host_str()?;
        Some(match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        })
    }

    /// True when the URL points at this instance.
    pub fn is_local(&self, url: &Url) -> bool {
        Self::authority(url).as_deref() == Some(self.domain.as_str())
    }

    /// A new activity id.
    pub fn new_activity(&self) -> String {
        self.at(&format!("/activities/{}", uuid::Uuid::new_v4()))
    }

    /// A local post's id (and page).
    pub fn post(&self, username: &str, id: i64) -> String {
        self.at(&format!("/users/{username}/statuses/{id}"))
    }

    /// An article's web page.
    pub fn article_page(&self, slug: &str) -> String {
        self.at(&format!("/articles/{slug}"))
    }

    /// An article's ActivityPub id.
    pub fn article(&self, id: i64) -> String {
        self.at(&format!("/articles/{id}"))
    }

    /// A category's page (and its channel's profile page).
    pub(crate) fn category_page(&self, slug: &str) -> String {
        self.at(&format!("/articles/categories/{slug}"))
    }

    /// The index of articles (and the instance channel's profile page).
    pub fn articles_index(&self) -> String {
        self.at("/articles")
    }

    /// A hashtag's page.
    pub fn tag(&self, name: &str) -> String {
        self.at(&format!("/tags/{name}"))
    }

    /// The default avatar image served for accounts without one.
    pub fn default_avatar(&self) -> String {
        self.at("/static/avatar.png")
    }

    /// The header image of accounts that have none.
    pub fn default_header(&self) -> String {
        self.at("/static/header.png")
    }
}
