DROP TABLE account_conversations;
DROP TABLE direct_threads;
