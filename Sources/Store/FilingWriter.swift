import Domain
import Foundation
import Postgres

/// Writes new cases to the database in batches (`BatchWriter`): one statement and one commit for
/// all the filings that arrived while the previous batch was being written.
final class FilingWriter: Sendable {
    struct Item: Sendable {
        var new: NewCase
        var code: String
        var secret: String
        var idempotency: IdempotencyKey?
    }

    private let batches: BatchWriter<Item, Int64>

    init(pool: ConnectionPool, maximumBatch: Int = 64, concurrentBatches: Int = 3) {
        batches = BatchWriter(maximumBatch: maximumBatch, concurrentBatches: concurrentBatches) { items in
            try await pool.withConnection { try Self.insert(items, connection: $0) }.map { .success($0) }
        }
    }

    /// Stores `item`; returns the new case's id once it is committed.
    /// - Throws: the `PostgresError` of this item's own insert (unique violations included).
    func insert(_ item: Item) async throws -> Int64 {
        try await batches.submit(item)
    }

    /// Inserts the items in one statement (cases, their first timeline entries, contacts and
    /// idempotency keys) and returns the new ids in the items' order.
    static func insert(_ items: [Item], connection: Connection) throws -> [Int64] {
        let cases = items.map(\.new)
        let parameters: [any PostgresEncodable] = [
            items.map(\.code), items.map(\.secret), cases.map(\.kind.rawValue), cases.map(\.channel), cases.map(\.title),
            // The redacted versions only where redaction changed something (see the schema).
            cases.map(\.text), cases.map { $0.publicTitle == $0.title ? nil : $0.publicTitle },
            cases.map { $0.publicText == $0.text ? nil : $0.publicText }, cases.map(\.isPublic),
            cases.map(\.anonymous), cases.map(\.status.rawValue), cases.map(\.area.provinceCode),
            cases.map(\.area.districtCode), cases.map(\.area.subdistrictCode), cases.map(\.areaSource.rawValue),
            cases.map(\.latitude), cases.map(\.longitude), cases.map(\.address), cases.map(\.predictedCategory),
            cases.map(\.predictedConfidence), cases.map(\.categoryCode), cases.map(\.agencyCode), cases.map(\.filedAt),
            cases.map(\.due.acknowledge), cases.map(\.due.firstAnswer), cases.map(\.due.resolution),
            cases.map { $0.contact?.name }, cases.map { $0.contact?.phone }, cases.map { $0.contact?.email },
            cases.map { $0.contact?.consentVersion }, cases.map { $0.contact?.consentAt }, cases.map(\.filingNote),
            items.map { $0.idempotency?.key }, items.map { $0.idempotency?.requestFingerprint },
            cases.map(\.publicRequested), cases.map(\.language.rawValue),
            cases.map { $0.subscriptionAddress(for: .email) }, cases.map { $0.subscriptionAddress(for: .sms) }, cases.map { $0.subscriptionAddress(for: .line) },
            cases.map(\.citizenMessage?.subject), cases.map(\.citizenMessage?.body),
            cases.map { $0.notices.citizen?.event.rawValue }, cases.map { $0.notices.agencyEvent?.payload },
            cases.map { $0.notices.agencyEvent?.event.rawValue },
            NotificationChannel.filingMessageChannels.map(\.rawValue), cases.map(\.modelVersion),
        ]
        let result = try connection.query(
            """
            WITH input AS (
                SELECT * FROM unnest(
                    $1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                    $9::boolean[], $10::boolean[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
                    $16::float8[], $17::float8[], $18::text[], $19::text[], $20::float8[], $21::text[], $22::text[],
                    $23::timestamptz[], $24::timestamptz[], $25::timestamptz[], $26::timestamptz[], $27::text[],
                    $28::text[], $29::text[], $30::text[], $31::timestamptz[], $32::text[], $33::text[], $34::text[],
                    $35::boolean[], $36::text[], $37::text[], $38::text[], $39::text[], $40::text[], $41::text[],
                    $42::text[], $43::text[], $44::text[], $46::bigint[])
                    WITH ORDINALITY AS i (
                        code, secret, kind, channel, title, text, public_title, public_text, is_public, anonymous,
                        status, province, district, subdistrict, area_source, latitude, longitude, address, predicted,
                        confidence, category, agency, filed_at, acknowledge_due, first_answer_due, resolution_due,
                        contact_name, contact_phone, contact_email, consent_version, consent_at, note, idempotency_key,
                        fingerprint, public_requested, language, notify_email, notify_sms, notify_line, message_subject,
                        message_body, citizen_event, hook_payload, hook_event, model_version, n)
            ), c AS (
                INSERT INTO cases (
                    code, secret_hash, kind, channel, title, text, public_title, public_text, is_public, anonymous,
                    status, province_code, district_code, subdistrict_code, area_source, latitude, longitude, address,
                    predicted_category, predicted_confidence, category_code, agency_code, filed_at,
                    acknowledge_due, first_answer_due, resolution_due, updated_at, public_requested, model_version)
                SELECT code, sha256(convert_to(secret, 'UTF8')), kind, channel, title, text, public_title, public_text,
                       is_public, anonymous, status, province, district, subdistrict, area_source, latitude, longitude,
                       address, predicted, confidence, category, agency, filed_at, acknowledge_due, first_answer_due,
                       resolution_due, filed_at, public_requested, model_version
                FROM input ORDER BY n
                RETURNING id, code
            ), events AS (
                INSERT INTO case_events (case_id, at, kind, actor_kind, to_status, agency_code, category_code, note)
                SELECT c.id, i.filed_at, 'filed', 'citizen', i.status, i.agency, i.category, i.note
                FROM c JOIN input i USING (code) ORDER BY i.n
            ), contacts AS (
                INSERT INTO case_contacts (case_id, name, phone, email, consent_version, consent_at, notify, language)
                SELECT c.id, i.contact_name, i.contact_phone, i.contact_email, i.consent_version, i.consent_at,
                       array_remove(ARRAY[CASE WHEN i.notify_email IS NOT NULL THEN 'email' END,
                                          CASE WHEN i.notify_sms IS NOT NULL THEN 'sms' END], NULL),
                       i.language
                FROM c JOIN input i USING (code) WHERE i.consent_version IS NOT NULL
            ), keys AS (
                INSERT INTO idempotency_keys (key, request_hash, case_id, response_secret)
                SELECT i.idempotency_key, sha256(convert_to(i.fingerprint, 'UTF8')), c.id, i.secret
                FROM c JOIN input i USING (code) WHERE i.idempotency_key IS NOT NULL
            ), subscribed AS (
                SELECT c.id, i.n, i.language, i.filed_at, i.citizen_event, i.message_subject, i.message_body,
                       s.channel, s.address
                FROM c JOIN input i USING (code)
                CROSS JOIN LATERAL (VALUES ('email', i.notify_email), ('sms', i.notify_sms), ('line', i.notify_line))
                    AS s (channel, address)
                WHERE s.address IS NOT NULL
            ), subscriptions AS (
                -- E-mail and SMS go to the contact's own address (the contact row's notify); LINE's user
                -- id is not a contact detail and has a row of its own.
                INSERT INTO case_subscriptions (case_id, channel, address, language)
                SELECT id, channel, address, language FROM subscribed WHERE channel = 'line'
            ), citizen_messages AS (
                INSERT INTO outbox (
                    created_at, event, channel, recipient, case_id, subject, body, next_attempt_at, retry_window_from)
                SELECT filed_at, citizen_event, channel, address, id, message_subject, message_body, filed_at, filed_at
                FROM subscribed WHERE citizen_event IS NOT NULL AND channel = ANY($45::text[]) ORDER BY n
            ), agency_messages AS (
                INSERT INTO outbox (
                    created_at, event, channel, recipient, case_id, agency_code, body, next_attempt_at, retry_window_from)
                SELECT i.filed_at, i.hook_event, 'webhook', w.id::text, c.id, i.agency, i.hook_payload, i.filed_at,
                       i.filed_at
                FROM c JOIN input i USING (code)
                -- Each case's agency's webhooks through their index. As a plain join the planner, which
                -- cannot know how few rows a batch has, read every webhook of every agency for each batch
                -- (with a webhook per agency, most of what notifications added to a filing's cost).
                -- OFFSET 0 keeps the subquery from being flattened into such a join.
                CROSS JOIN LATERAL (
                    SELECT w.id FROM agency_webhooks w WHERE w.agency_code = i.agency AND w.active OFFSET 0
                ) w
                WHERE i.hook_payload IS NOT NULL ORDER BY i.n, w.id
            )
            SELECT c.id, c.code FROM c
            """, parameters)
        var ids: [String: Int64] = [:]
        for row in result.rows { ids[try row.string(1)] = Int64(try row.int(0)) }
        return try items.map { item in
            guard let id = ids[item.code] else {
                throw PostgresError(kind: .other, message: "case \(item.code) was not stored")
            }
            return id
        }
    }
}
