//! Streams and moderation: the public stream never carries the posts of a silenced account,
//! and carries them again once the silence is lifted.

use crate::api_streaming::{connect, next_message, payload};
use crate::common;

use common::TestInstance;
use trellis::services::audit::Acting;
use trellis::services::moderation::{self, AccountAction};

/// Applies `action` to the local person `username` as the command line would.
async fn moderate(t: &TestInstance, username: &str, action: AccountAction) {
    let account = moderation::find_by_handle(t.state(), username)
        .await
        .unwrap();
    moderation::act(
        t.state(),
        &Acting::cli(),
        None,
        account.id,
        action,
        None,
        None,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_public_stream_leaves_out_silenced_accounts() {
    let t = TestInstance::start_with_internal().await;
    for name in ["bob", "carol"] {
        t.create_user(name, |_| {}).await;
    }
    moderate(&t, "bob", AccountAction::Silence).await;
    let mut socket = connect(&t, "?stream=public:local").await;
    t.post_as("bob", "silenced shout", "public").await;
    let open = t.post_as("carol", "for everyone", "public").await;
    let message = next_message(&mut socket).await;
    assert_eq!(payload(&message)["id"], open["id"], "{message}");

    moderate(&t, "bob", AccountAction::Unsilence).await;
    let heard = t.post_as("bob", "heard again", "public").await;
    let message = next_message(&mut socket).await;
    assert_eq!(payload(&message)["id"], heard["id"], "{message}");
    t.stop().await;
}
