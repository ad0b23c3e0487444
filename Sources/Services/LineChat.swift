public import Domain
public import Foundation
public import Logging
public import Store

/// Filing and following complaints by chatting with Siang's LINE account (แจ้งเรื่องผ่าน LINE).
///
/// In a one-to-one chat a citizen writes what is wrong (one message or several), then sends a
/// location or "ข้าม" (skip), sees a summary with the category and the agency it would go to
/// (`Placer`, as filing does), and confirms with "ยืนยัน" or drops it with "ยกเลิก". The case is
/// filed through `CaseService.file` (channel `line`, progress pushed to the chat), and only once it
/// is committed does the reply give the tracking code. "สถานะ" lists the citizen's latest cases.
/// English commands work too, and a citizen who writes in English is answered in English.
///
/// Group chats are refused: nobody's complaint, code or secret is written where others read.
/// Each event is acted on once, however often LINE delivers it (`webhookEventId`, kept in the
/// database); a confirmation files under an idempotency key, so even two confirmations at once,
/// or one delivered again after a failure half-way, make one case.
public struct LineChat: Sendable {
    /// What the conversation needs besides the services: the channel's secret and the client that
    /// answers through LINE, and the address citizens reach Siang at (for case links).
    public struct Configuration: Sendable {
        public var channelSecret: String
        public var client: LineClient
        public var publicURL: String

        public init(channelSecret: String, client: LineClient, publicURL: String) {
            self.channelSecret = channelSecret
            self.client = client
            self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        }
    }

    let cases: CaseService
    let store: LineConversationStore
    let configuration: Configuration

    /// How many cases "สถานะ" lists.
    static let statusCount = 5

    public init(cases: CaseService, store: LineConversationStore, configuration: Configuration) {
        self.cases = cases
        self.store = store
        self.configuration = configuration
    }

    var rules: ServiceRules { cases.rules }
    var words: LineWords {
        LineWords(reference: cases.reference, publicURL: configuration.publicURL, maximumTextLength: rules.maximumTextLength)
    }

    /// Whether `signature` (`X-Line-Signature`) signs the request body `body` under the channel secret.
    public func verify(body: some DataProtocol, signature: String?) -> Bool {
        LineSignature.isValid(signature, body: body, channelSecret: configuration.channelSecret)
    }

    /// Acts on a webhook's events, in order, and answers each in the chat.
    ///
    /// Reply failures are logged and swallowed: LINE wants the webhook answered quickly, and the
    /// citizen can ask again. Database failures are thrown, so LINE delivers the events again
    /// (and those already acted on are skipped).
    public func handle(_ events: [LineEvent], logger: Logger) async throws {
        for event in events {
            try await handle(event, logger: logger)
        }
    }

    func handle(_ event: LineEvent, logger: Logger) async throws {
        guard !event.isStandby else { return }
        if let id = event.id, try await store.wasHandled(eventID: id) {
            logger.info("LINE event delivered again; already handled", metadata: ["redelivery": "\(event.isRedelivery)"])
            return
        }
        guard case .user(let userID) = event.source else {
            // A group hears once why Siang keeps quiet there; what its members write is not read.
            if event.kind == .join, let token = event.replyToken {
                await reply(token, [words.groupsRefused()], logger: logger)
            }
            return
        }
        let now = cases.clock()
        // A confirmation files under a key made from the event: a delivery of the same event again files nothing new.
        let filingKey = "line event " + (event.id ?? UUID().uuidString)
        let maximumTextLength = rules.maximumTextLength
        guard
            let plan = try await store.step(
                userID: userID, eventID: event.id, at: now, draftsSince: now.addingTimeInterval(-rules.lineDraftLifetime),
                decide: { draft in
                    Self.decide(event.kind, draft: draft, filingKey: filingKey, maximumTextLength: maximumTextLength)
                })
        else {
            logger.info("LINE event delivered again; already handled", metadata: ["redelivery": "\(event.isRedelivery)"])
            return
        }
        let messages: [LineMessage]
        switch plan {
        case .file(let draft):
            messages = try await file(draft, userID: userID, event: event, logger: logger)
        case .status(let language):
            messages = [words.status(try await store.recentCases(userID: userID, limit: Self.statusCount), language: language)]
        case .summary(let draft):
            messages = [words.summary(draft, placement: placement(of: draft), rules: rules)]
        default:
            messages = words.messages(for: plan)
        }
        if let token = event.replyToken, !messages.isEmpty {
            await reply(token, messages, logger: logger)
        }
    }

    // MARK: Filing

    /// Files the confirmed draft; answers the tracking code (and the secret) once the case is
    /// committed, or why it was refused.
    func file(_ draft: LineDraft, userID: String, event: LineEvent, logger: Logger) async throws -> [LineMessage] {
        guard let key = draft.filingKey else { return words.messages(for: .help(draft.language)) }
        let request = FilingRequest(
            kind: .complaint, text: draft.text, area: area(of: draft), latitude: draft.latitude,
            longitude: draft.longitude, address: draft.address, channel: "line", notify: [.line],
            language: draft.language, lineUserID: userID)
        let filed: FiledCase
        do {
            filed = try await cases.file(
                request, idempotency: IdempotencyKey(key: key, requestFingerprint: Self.fingerprint(draft, userID: userID)))
        } catch let refusal as DomainError {
            // Back to the summary: the citizen may change the text or cancel.
            let now = cases.clock()
            _ = try await store.step(
                userID: userID, eventID: event.id, at: now, draftsSince: now.addingTimeInterval(-rules.lineDraftLifetime)
            ) { current in
                guard var current, current.filingKey == key else { return .init(change: .keep, result: ()) }
                current.step = .confirmation
                current.filingKey = nil
                return .init(change: .save(current), result: ())
            }
            logger.info("LINE filing refused", metadata: ["code": "\(refusal.code)"])
            return [words.refused(refusal, language: draft.language)]
        }
        guard try await store.finishFiling(userID: userID, filingKey: key, eventID: event.id, at: cases.clock()) else {
            // Another delivery of this event got here first and has answered.
            return []
        }
        logger.info("case filed on LINE", metadata: ["case": "\(filed.record.code)", "replay": "\(filed.isReplay)"])
        return words.filed(filed, language: draft.language)
    }

    /// The request fingerprint of a LINE filing: the draft and its author. It starts with "line",
    /// so it never equals an API filing's (a JSON object), and the key holds a space, which API
    /// keys may not: the two kinds of key can never meet.
    static func fingerprint(_ draft: LineDraft, userID: String) -> String {
        [
            "line filing", userID, draft.language.rawValue, draft.text, draft.latitude.map { "\($0)" } ?? "",
            draft.longitude.map { "\($0)" } ?? "", draft.address ?? "",
        ].joined(separator: "\n")
    }

    /// The area of the address LINE gave with the location, when it names one; else none, and
    /// filing takes the area from the text.
    func area(of draft: LineDraft) -> FilingRequest.AreaInput {
        guard let address = draft.address?.nonBlank else { return .init() }
        let area = AreaResolution.resolveMentions(cases.placer.analyzer.analyze(address).places)
        guard !area.isUnknown else { return .init() }
        return .init(province: area.provinceCode, district: area.districtCode, subdistrict: area.subdistrictCode)
    }

    /// Where the draft would go if filed now, as filing would place it.
    func placement(of draft: LineDraft) -> Placement? {
        (try? cases.placer.place(draft.text, area: area(of: draft))) ?? (try? cases.placer.place(draft.text))
    }

    func reply(_ token: String, _ messages: [LineMessage], logger: Logger) async {
        do {
            // LINE takes at most five messages in one reply.
            try await configuration.client.reply(token, Array(messages.prefix(5)))
        } catch {
            logger.warning("LINE reply failed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: The conversation

    /// What an event leads to, once its change to the draft is committed.
    enum Plan: Sendable, Equatable {
        case welcome(MessageLanguage)
        case help(MessageLanguage)
        /// The text is in (or longer now): asks for the location.
        case askLocation(LineDraft)
        case summary(LineDraft)
        /// Files the draft under its `filingKey`.
        case file(LineDraft)
        case cancelled(MessageLanguage)
        case nothingToCancel(MessageLanguage)
        case status(MessageLanguage)
        case tooLong(MessageLanguage)
        /// A location came before any text.
        case textFirst(MessageLanguage)
        /// The confirmed draft is being filed; other messages wait.
        case stillFiling(MessageLanguage)
        case unsupported(MessageLanguage)
        /// Nothing to say (the user blocked the account, or an event of no interest).
        case silent
    }

    /// The conversation's rules: what `kind` does to the citizen's `draft` and what to answer.
    /// Pure, so it may run again when the transaction around it is retried.
    /// - Parameter filingKey: the idempotency key a confirmation now would file under.
    static func decide(
        _ kind: LineEvent.Kind, draft: LineDraft?, filingKey: String, maximumTextLength: Int
    ) -> LineConversationStore.Decision<Plan> {
        let language = draft?.language ?? .th
        switch kind {
        case .follow:
            return .init(change: .keep, result: .welcome(language))
        case .unfollow:
            // Nobody can be answered any more: what they were writing goes now.
            return .init(change: draft == nil ? .keep : .delete, result: .silent)
        case .join, .other:
            return .init(change: .keep, result: .silent)
        case .otherMessage:
            return .init(change: .keep, result: .unsupported(language))
        case .location(let latitude, let longitude, let address):
            guard var draft else { return .init(change: .keep, result: .textFirst(language)) }
            guard draft.step != .filing else { return .init(change: .keep, result: .stillFiling(language)) }
            guard (-90...90).contains(latitude), (-180...180).contains(longitude) else {
                return .init(change: .keep, result: draft.step == .location ? .askLocation(draft) : .summary(draft))
            }
            draft.latitude = latitude
            draft.longitude = longitude
            if let address = address.map(clean)?.nonBlank {
                draft.address = String(address.prefix(FilingValidation.maximumAddressLength))
            } else {
                draft.address = nil
            }
            draft.step = .confirmation
            return .init(change: .save(draft), result: .summary(draft))
        case .text(let raw):
            let text = clean(raw).trimmingCharacters(in: .whitespacesAndNewlines)
            if let (command, spoken) = LineCommand.parse(text) {
                return decide(command, draft: draft, language: draft?.language ?? spoken, filingKey: filingKey)
            }
            guard !text.isEmpty else { return .init(change: .keep, result: .help(language)) }
            guard var draft else {
                let language = LineCommand.language(of: text)
                guard text.count <= maximumTextLength else { return .init(change: .keep, result: .tooLong(language)) }
                let started = LineDraft(step: .location, text: text, language: language)
                return .init(change: .save(started), result: .askLocation(started))
            }
            guard draft.step != .filing else { return .init(change: .keep, result: .stillFiling(language)) }
            // A complaint often comes in several messages: each adds to the text.
            let joined = draft.text + "\n" + text
            guard joined.count <= maximumTextLength else { return .init(change: .keep, result: .tooLong(language)) }
            draft.text = joined
            return .init(change: .save(draft), result: draft.step == .location ? .askLocation(draft) : .summary(draft))
        }
    }

    static func decide(
        _ command: LineCommand, draft: LineDraft?, language: MessageLanguage, filingKey: String
    ) -> LineConversationStore.Decision<Plan> {
        switch command {
        case .status:
            return .init(change: .keep, result: .status(language))
        case .help:
            return .init(change: .keep, result: .help(language))
        case .cancel:
            return draft == nil
                ? .init(change: .keep, result: .nothingToCancel(language)) : .init(change: .delete, result: .cancelled(language))
        case .skip:
            guard var draft else { return .init(change: .keep, result: .help(language)) }
            switch draft.step {
            case .location:
                draft.step = .confirmation
                return .init(change: .save(draft), result: .summary(draft))
            case .confirmation: return .init(change: .keep, result: .summary(draft))
            case .filing: return .init(change: .keep, result: .stillFiling(language))
            }
        case .confirm:
            guard var draft else { return .init(change: .keep, result: .help(language)) }
            switch draft.step {
            case .location:
                return .init(change: .keep, result: .askLocation(draft))
            case .confirmation:
                draft.step = .filing
                draft.filingKey = filingKey
                // Handled only once the case is filed (`finishFiling`): a delivery again after a failure files it then.
                return .init(change: .save(draft), handled: false, result: .file(draft))
            case .filing:
                // Confirmed before and not finished (a failure half-way): files under the first key.
                return .init(change: .keep, handled: false, result: .file(draft))
            }
        }
    }

    /// The text without NUL characters (which PostgreSQL text cannot hold).
    static func clean(_ text: String) -> String {
        text.contains("\0") ? text.replacingOccurrences(of: "\0", with: "") : text
    }
}

/// What a citizen may type instead of a complaint's text, in Thai or English.
enum LineCommand: CaseIterable {
    case status, confirm, cancel, skip, help

    var words: (th: [String], en: [String]) {
        switch self {
        case .status: (["สถานะ", "ติดตาม", "ติดตามเรื่อง", "เช็คสถานะ", "ตรวจสอบสถานะ"], ["status", "track"])
        case .confirm: (["ยืนยัน", "ตกลง"], ["confirm", "yes"])
        case .cancel: (["ยกเลิก"], ["cancel"])
        case .skip: (["ข้าม", "ไม่ระบุ", "ไม่ระบุตำแหน่ง"], ["skip"])
        case .help: (["วิธีใช้", "ช่วยเหลือ", "เมนู"], ["help", "menu"])
        }
    }

    /// The command `text` is, and the language it is written in; nil for anything else.
    static func parse(_ text: String) -> (LineCommand, MessageLanguage)? {
        // People copy the quotes of "พิมพ์ "ยืนยัน"" and end with a full stop or an exclamation.
        let word = text.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "\"'“”‘’.!?。 \n\t"))
        for command in allCases {
            if command.words.th.contains(word) { return (command, .th) }
            if command.words.en.contains(word) { return (command, .en) }
        }
        return nil
    }

    /// The language of the first letter: Thai complaints often hold an English name ("หน้า
    /// 7-Eleven") and English ones a Thai place name ("ซอย 5"), but people start in their own
    /// language. Counting letters does worse: a Thai word takes fewer letters than an English one.
    static func language(of text: String) -> MessageLanguage {
        for scalar in text.unicodeScalars {
            if (0x0E01...0x0E5B).contains(scalar.value) { return .th }
            if scalar.isASCII, scalar.properties.isAlphabetic { return .en }
        }
        return .th
    }
}
