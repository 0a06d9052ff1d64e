DROP TABLE community_posts;
DROP TABLE community_moderators;
DROP TABLE communities;
