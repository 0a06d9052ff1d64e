//! Channels: Group actors that people on any instance follow to receive articles. Every
//! category has one, named after its slug (`@handbook@domain`; dashes become `_`), and the
//! instance channel (`articles.channel`, by default `@articles@domain`) carries every
//! published article. A channel boosts each article it carries, so its followers, here and
//! on other servers, find the article in their home timelines like any boost; the article's
//! Create, Update and Delete also reach them. Channels are `accounts` rows without a `users`
//! row; a category's row is linked by `article_categories.channel_account_id`.

use activitypub_federation::http_signatures::Keypair;
use diesel::prelude::*;

use crate::outbound::activities::delete;
use crate::outbound::delivery;
use crate::services::interactions::{record_boost, withdraw_boost};
use crate::services::local_actor::new_local_actor;
use crate::services::outbox::publish;
use crate::services::profile::announce_update;
use crate::services::{ServiceError, keys};
use crate::state::AppState;
use trellis_content::text::escape_html;
use trellis_storage::models::account_counters;
use trellis_storage::models::article::Article;
use trellis_storage::models::article_category::ArticleCategory;
use trellis_storage::models::{Account, Follow, NewAccount, Post};
use trellis_storage::schema::{accounts, follows, posts, users};
use trellis_storage::{DbConnection, DbError};

/// ActivityStreams type of channel actors (FEP-1b12 groups).
pub const ACTOR_TYPE: &str = "Group";

/// The username of a category's channel.
pub fn username_for(slug: &str) -> String {
    slug.replace('-', "_")
}

/// What a channel actor says about itself.
struct Profile {
    username: String,
    name: String,
    description: String,
    page: String,
}

impl Profile {
    fn of_category(state: &AppState, category: &ArticleCategory) -> Self {
        Self {
            username: username_for(&category.slug),
            name: category.name.clone(),
            description: category.description.clone(),
            page: state.urls().category_page(&category.slug),
        }
    }

    fn of_instance(state: &AppState, username: &str) -> Self {
        let instance = &state.config().instance.name;
        Self {
            username: username.to_string(),
            name: format!("{instance}: articles"),
            description: format!("Every article published on {instance}."),
            page: state.urls().articles_index(),
        }
    }

    fn bio(&self) -> String {
        if self.description.is_empty() {
            String::new()
        } else {
            format!("<p>{}</p>", escape_html(&self.description))
        }
    }

    fn new_account(&self, state: &AppState, keypair: Keypair) -> NewAccount {
        let mut account = new_local_actor(
            state,
            ACTOR_TYPE,
            &self.username,
            self.name.clone(),
            keypair,
        );
        account.url = Some(self.page.clone());
        account.bio = self.bio();
        account
    }
}

/// Whether a category with `slug` can have a channel: `Err` names the `slug` when its channel
/// name belongs to a person or to another channel.
pub(crate) fn name_available(
    conn: &mut DbConnection,
    state: &AppState,
    slug: &str,
) -> Result<Result<(), ServiceError>, DbError> {
    let username = username_for(slug);
    match Account::find_local_by_username(conn, &username)? {
        Some(existing) if !is_left_behind(conn, state, &existing)? => {
            Ok(Err(ServiceError::invalid(
                "slug",
                format!("gives the channel name @{username}, which an account here already uses"),
            )))
        }
        _ => Ok(Ok(())),
    }
}

/// Opens the channel of a category (in the caller's transaction, after [`name_available`]):
/// a fresh Group actor, or the actor a deleted category of the same slug left behind.
pub(crate) fn open_for_category(
    conn: &mut DbConnection,
    state: &AppState,
    category: &ArticleCategory,
    keypair: Keypair,
) -> Result<Account, DbError> {
    let profile = Profile::of_category(state, category);
    let channel = match Account::find_local_by_username(conn, &profile.username)? {
        Some(left_behind) => refresh_profile(conn, state, &left_behind, &profile)?,
        None => Account::insert(conn, &profile.new_account(state, keypair))?,
    };
    ArticleCategory::set_channel(conn, category.id, channel.id)?;
    Ok(channel)
}

/// After a category is renamed or redescribed: its channel says so to its followers.
pub(crate) fn category_changed(
    conn: &mut DbConnection,
    state: &AppState,
    category: &ArticleCategory,
) -> Result<(), DbError> {
    if let Some(channel) = category_channel(conn, category)? {
        refresh_profile(
            conn,
            state,
            &channel,
            &Profile::of_category(state, category),
        )?;
    }
    Ok(())
}

/// Before a category is deleted: its channel's remote followers get a Delete of the actor and
/// every follow of it ends. The account row stays (the Delete is signed with its key), and
/// is no longer served.
pub fn close(
    conn: &mut DbConnection,
    state: &AppState,
    category: &ArticleCategory,
) -> Result<(), DbError> {
    let Some(channel) = category_channel(conn, category)? else {
        return Ok(());
    };
    let activity = delete::actor(
        &format!("{}#delete-{}", channel.uri, state.ids().next_id()),
        &channel.uri,
    );
    let inboxes = Follow::remote_follower_inboxes(conn, channel.id)?;
    delivery::enqueue(conn, state, channel.id, &activity, inboxes)?;
    account_counters::withdraw_follows(conn, channel.id)?;
    diesel::delete(follows::table.filter(follows::target_account_id.eq(channel.id)))
        .execute(conn)?;
    Ok(())
}

/// At start-up: creates the instance channel and the channels of categories that have none
/// (categories made before channels existed). A name already used by a person is reported
/// in the log and skipped; the instance keeps running.
pub async fn ensure_all(state: &AppState) -> Result<(), ServiceError> {
    if let Some(name) = state.config().articles.channel_name.clone() {
        let key = name.clone();
        let exists = state
            .db()
            .read(move |conn| Account::find_local_by_username(conn, &key))
            .await?;
        match exists {
            Some(account) if account.actor_type == ACTOR_TYPE => {}
            Some(_) => tracing::warn!(
                channel = %name,
                "the instance channel's name belongs to a person; set articles.channel to another name"
            ),
            None => {
                let keypair = keys::generate(state).await?;
                let new = Profile::of_instance(state, &name).new_account(state, keypair);
                match state
                    .db()
                    .write(move |conn| Account::insert(conn, &new))
                    .await
                {
                    Ok(_) => {}
                    // Another process sharing the database created it first.
                    Err(e) if e.is_unique_violation() => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    let missing = state.db().read(ArticleCategory::without_channel).await?;
    for category in missing {
        let keypair = keys::generate(state).await?;
        let slug = category.slug.clone();
        let opened = publish(state, move |conn, state| {
            // Another process sharing the database may have opened it meanwhile.
            match ArticleCategory::find_by_slug(conn, &category.slug)? {
                Some(current) if current.channel_account_id.is_none() => {
                    if let Err(e) = name_available(conn, state, &current.slug)? {
                        return Ok(Err(e));
                    }
                    open_for_category(conn, state, &current, keypair)?;
                    Ok(Ok(()))
                }
                _ => Ok(Ok(())),
            }
        })
        .await?;
        if let Err(e) = opened {
            tracing::warn!(category = %slug, error = %e, "category has no channel");
        }
    }
    Ok(())
}

/// A channel served under `username`: the instance channel or a category's, not one a
/// deleted category left behind.
pub async fn find(state: &AppState, username: &str) -> Result<Option<Account>, ServiceError> {
    let key = username.to_string();
    let reader = state.clone();
    Ok(state
        .db()
        .read(move |conn| {
            let Some(account) = Account::find_local(conn, ACTOR_TYPE, &key)? else {
                return Ok(None);
            };
            Ok((!is_left_behind(conn, &reader, &account)?).then_some(account))
        })
        .await?)
}

/// The channel of a category's page (`Some(slug)`) or of the article index (`None`).
pub async fn of_page(
    state: &AppState,
    category_slug: Option<&str>,
) -> Result<Option<Account>, ServiceError> {
    match category_slug {
        Some(slug) => find(state, &username_for(slug)).await,
        None => match state.config().articles.channel_name.clone() {
            Some(name) => find(state, &name).await,
            None => Ok(None),
        },
    }
}

/// The channels that carry a published `article`: the instance channel and its category's.
pub(crate) fn carriers(
    conn: &mut DbConnection,
    state: &AppState,
    article: &Article,
) -> Result<Vec<Account>, DbError> {
    let mut channels = Vec::new();
    if let Some(name) = &state.config().articles.channel_name
        && let Some(channel) = Account::find_local(conn, ACTOR_TYPE, name)?
    {
        channels.push(channel);
    }
    if let Some(category_id) = article.category_id {
        let linked: Option<Account> = trellis_storage::schema::article_categories::table
            .inner_join(
                accounts::table.on(accounts::id
                    .nullable()
                    .eq(trellis_storage::schema::article_categories::channel_account_id)),
            )
            .filter(trellis_storage::schema::article_categories::id.eq(category_id))
            .select(Account::as_select())
            .first(conn)
            .optional()?;
        channels.extend(linked);
    }
    Ok(channels)
}

/// Remote inboxes of the followers of `channels`.
pub(crate) fn follower_inboxes(
    conn: &mut DbConnection,
    channels: &[Account],
) -> Result<Vec<String>, DbError> {
    let mut inboxes = Vec::new();
    for channel in channels {
        inboxes.extend(Follow::remote_follower_inboxes(conn, channel.id)?);
    }
    Ok(inboxes)
}

/// Makes the channels' boosts of an article's status match `carriers`: each carrier boosts
/// it (once), and a channel that no longer carries it (the category changed) withdraws its
/// boost with an Undo.
pub(crate) fn sync_boosts(
    conn: &mut DbConnection,
    state: &AppState,
    carriers: &[Account],
    post: &Post,
) -> Result<(), DbError> {
    let boosting: Vec<Account> = posts::table
        .inner_join(accounts::table.on(accounts::id.eq(posts::account_id)))
        .filter(posts::reblog_of_id.eq(post.id))
        .filter(accounts::domain.is_null())
        .filter(accounts::actor_type.eq(ACTOR_TYPE))
        .select(Account::as_select())
        .load(conn)?;
    for channel in &boosting {
        if !carriers.iter().any(|c| c.id == channel.id) {
            withdraw_boost(conn, state, channel, post)?;
        }
    }
    for channel in carriers {
        record_boost(conn, state, channel, post)?;
    }
    Ok(())
}

fn category_channel(
    conn: &mut DbConnection,
    category: &ArticleCategory,
) -> Result<Option<Account>, DbError> {
    let Some(id) = category.channel_account_id else {
        return Ok(None);
    };
    Ok(accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

/// A local Group without a user that neither a category nor the instance channel uses.
fn is_left_behind(
    conn: &mut DbConnection,
    state: &AppState,
    account: &Account,
) -> Result<bool, DbError> {
    if account.actor_type != ACTOR_TYPE || !account.is_local() {
        return Ok(false);
    }
    if state.config().articles.channel_name.as_deref() == Some(account.username.as_str()) {
        return Ok(false);
    }
    let has_user: bool = diesel::select(diesel::dsl::exists(
        users::table.filter(users::account_id.eq(account.id)),
    ))
    .get_result(conn)?;
    if trellis_storage::models::community::Community::find(conn, account.id)?.is_some() {
        return Ok(false);
    }
    Ok(!has_user && ArticleCategory::by_channel(conn, account.id)?.is_none())
}

/// Writes a channel's name, description and page, and sends an Update of the actor to its
/// remote followers when they changed.
fn refresh_profile(
    conn: &mut DbConnection,
    state: &AppState,
    channel: &Account,
    profile: &Profile,
) -> Result<Account, DbError> {
    let bio = profile.bio();
    if channel.display_name == profile.name
        && channel.bio == bio
        && channel.url.as_deref() == Some(profile.page.as_str())
    {
        return Ok(channel.clone());
    }
    diesel::update(accounts::table.find(channel.id))
        .set((
            accounts::display_name.eq(&profile.name),
            accounts::bio.eq(&bio),
            accounts::url.eq(&profile.page),
            accounts::updated_at.eq(delivery::now()),
        ))
        .execute(conn)?;
    let updated: Account = accounts::table
        .find(channel.id)
        .select(Account::as_select())
        .first(conn)?;
    announce_update(conn, state, &updated)?;
    Ok(updated)
}
