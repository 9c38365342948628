//! The flow the Smarter Dev README documents, end to end over HTTP.

use guildhall_store::Backend;
use guildhall_testkit::{both_backends, spawn_api};
use guildhall_wire::cases::{CaseAction, CaseCreate, CaseFilter, CaseUpdate};
use guildhall_wire::guilds::{GuildCreate, GuildFilter};
use guildhall_wire::users::{UserCreate, UserFilter};

use crate::sf;

async fn documented_flow(backend: Backend) {
    let api = spawn_api(backend).await;
    // The client exchanges the key for a token on first use.
    let client = api.client_with_key(&api.admin_key);
    let guild = client
        .create_guild(&GuildCreate {
            discord_id: sf(1),
            name: "Smarter Dev".into(),
            icon: None,
            owner_discord_id: Some(sf(2)),
            joined_at: None,
        })
        .await
        .unwrap();
    let guilds = client.list_guilds(&GuildFilter::default()).await.unwrap();
    assert_eq!(guilds.guilds, vec![guild.clone()]);

    let members: Vec<UserCreate> = (0..250)
        .map(|n| UserCreate {
            discord_id: sf(1000 + n),
            username: format!("member{n}"),
            global_name: None,
            avatar: None,
            bot: n % 50 == 0,
        })
        .collect();
    // The seed bot synced in batches of 100.
    let mut created = 0;
    for batch in members.chunks(100) {
        created += client.batch_users(batch).await.unwrap().created;
    }
    assert_eq!(created, 250);
    let mut listed = 0;
    let mut cursor = None;
    loop {
        let page = client
            .list_users(&UserFilter {
                cursor: cursor.clone(),
                limit: Some(100),
                ..Default::default()
            })
            .await
            .unwrap();
        listed += page.users.len();
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(listed, 250);

    let target = client
        .list_users(&UserFilter {
            discord_id: Some(sf(1007)),
            ..Default::default()
        })
        .await
        .unwrap()
        .users[0]
        .clone();
    let moderator = client
        .list_users(&UserFilter {
            discord_id: Some(sf(1008)),
            ..Default::default()
        })
        .await
        .unwrap()
        .users[0]
        .clone();
    let case = client
        .create_case(&CaseCreate {
            guild_id: guild.id,
            user_id: target.id,
            mod_id: moderator.id,
            action: CaseAction::Ban,
            reason: "raid".into(),
            duration_seconds: None,
        })
        .await
        .unwrap();
    assert_eq!(case.case_number, 1);
    client
        .update_case(
            case.id,
            &CaseUpdate {
                resolved: Some(true),
                resolution_note: Some("unbanned on appeal".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let resolved = client
        .list_cases(&CaseFilter {
            guild_id: Some(guild.id),
            resolved: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(resolved.moderation_cases.len(), 1);
    assert_eq!(
        resolved.moderation_cases[0].resolution_note.as_deref(),
        Some("unbanned on appeal")
    );
}

both_backends!(documented_flow);
