public import Postgres

/// Siang's schema changes, in order. Each is plain SQL applied in one transaction
/// (FixMyStreet's `db/schema_NNNN-*.sql`, kept in Swift so a release binary carries them).
public enum SiangMigrations {
    public static let all: [Migration] = [
        Migration(version: 1, name: "reference data", sql: referenceData),
        Migration(version: 2, name: "cases", sql: cases),
        Migration(version: 3, name: "staff and tokens", sql: staff),
        Migration(version: 4, name: "web sessions", sql: webSessions),
        Migration(version: 5, name: "password change at first sign-in", sql: passwordChange),
        Migration(version: 6, name: "the citizen's choice of publicity kept apart", sql: publicChoice),
        Migration(version: 7, name: "staff session generations", sql: sessionGeneration),
        Migration(version: 8, name: "contact reads keep the reader's agency", sql: contactReadsAgency),
        Migration(version: 9, name: "notifications: subscriptions, webhooks and the outbox", sql: outbox),
        Migration(version: 10, name: "LINE conversations: drafts and handled events", sql: lineConversations),
        Migration(version: 11, name: "one-time codes", sql: oneTimeCodes),
        Migration(version: 12, name: "proposals, supports and answers", sql: proposals),
        Migration(version: 13, name: "participatory budgeting", sql: budgets),
        Migration(version: 14, name: "partner tokens that may only file", sql: partnerRole),
        Migration(version: 15, name: "local governments and the subdistricts they cover", sql: localGovernments),
        Migration(version: 16, name: "photos of cases", sql: photos),
        Migration(version: 17, name: "e-mail and SMS notifications on the contact row", sql: contactNotifications),
        Migration(version: 18, name: "duplicates: me-too follows and merged results", sql: similar),
        Migration(version: 19, name: "consultations, opinions and themes", sql: consultations),
        Migration(version: 21, name: "moderators of a province's or district's proposals", sql: proposalModerators),
        Migration(version: 22, name: "budget winners become adopted proposals", sql: budgetWinners),
        Migration(version: 23, name: "case changes notify listening instances", sql: caseChangeFeed),
        Migration(version: 24, name: "emptying cases notifies listening instances", sql: caseTruncateFeed),
        Migration(version: 25, name: "notices of new cases name the pool that filed them", sql: filedByOrigin),
        Migration(version: 26, name: "classifier model versions, and the version that classified each case", sql: modelVersions),
        Migration(version: 27, name: "photos found by their case", sql: photosByCase),
        Migration(version: 28, name: "outbox rows without a foreign-key check on their case", sql: outboxWithoutCaseCheck),
        Migration(version: 29, name: "demo loads resumed where they stopped", sql: demoLoads),
        Migration(version: 30, name: "one-time codes are sent before other messages", sql: urgentMessages),
    ]
}
