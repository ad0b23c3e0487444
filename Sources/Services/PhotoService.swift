public import Domain
public import Foundation
public import Photos
public import Store

/// Photos of cases: checking and cleaning uploads, attaching them (the citizen's when filing and later
/// while the case is open, officers' results), who may see which, and hiding one from the public.
public struct PhotoService: Sendable {
    let store: PhotoStore
    let cases: CaseStore
    let cleaner: PhotoCleaner
    public let clock: @Sendable () -> Date

    public init(store: PhotoStore, cases: CaseStore, limits: PhotoLimits, clock: @escaping @Sendable () -> Date) {
        self.store = store
        self.cases = cases
        self.cleaner = PhotoCleaner(limits: limits)
        self.clock = clock
    }

    public var limits: PhotoLimits { cleaner.limits }

    /// A new spool for one uploaded file, limited to the bytes one photo may have.
    public func spool() throws -> PhotoSpool { try PhotoSpool(maxBytes: limits.maxBytes) }

    /// The refusal of an upload, as the domain words it (422 on the API, the form's error on pages).
    public static func refusal(_ rejection: PhotoRejection) -> DomainError {
        DomainError(.invalid, code: rejection.code, th: rejection.messageTH, en: rejection.messageEN)
    }

    /// Checks and cleans every upload; one bad file refuses them all, so nothing is stored.
    /// - Throws: `DomainError` (`invalid`) naming what is wrong with the first bad file.
    public func clean(_ uploads: [SpooledPhoto]) async throws -> [CleanPhoto] {
        guard uploads.count <= limits.maxCount else { throw Self.refusal(.tooMany(limit: limits.maxCount)) }
        var cleaned: [CleanPhoto] = []
        for upload in uploads {
            do {
                cleaned.append(try await cleaner.clean(upload))
            } catch let rejection as PhotoRejection {
                throw Self.refusal(rejection)
            }
        }
        return cleaned
    }

    /// Attaches cleaned photos to a case, all in one transaction. A retried upload of the same file
    /// to the same case is not attached twice.
    public func attach(
        _ photos: [CleanPhoto], to record: CaseRecord, uploader: PhotoUploader, staffID: Int64? = nil
    ) async throws -> [CasePhoto] {
        guard !photos.isEmpty else { return try await store.photos(caseIDs: [record.id])[record.id] ?? [] }
        return try await store.attach(photos.map(Self.row), caseID: record.id, uploader: uploader, staffID: staffID, at: clock())
    }

    /// A cleaned photo as the store keeps it, under a new unguessable token.
    static func row(_ photo: CleanPhoto) -> PhotoStore.NewPhoto {
        PhotoStore.NewPhoto(
            token: newToken(), originalSHA256: photo.originalSHA256, originalType: photo.originalType.rawValue,
            originalBytes: photo.originalBytes, originalWidth: photo.originalWidth, originalHeight: photo.originalHeight,
            display: image(photo.display), thumbnail: image(photo.thumbnail))
    }

    static func image(_ rendition: PhotoRendition) -> PhotoStore.Image {
        PhotoStore.Image(
            sha256: PhotoDigest.sha256(rendition.bytes), contentType: rendition.contentType, bytes: rendition.bytes,
            width: rendition.width, height: rendition.height)
    }

    /// 128 random bits, base32 in lower case: the unguessable part of a photo's URL.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        var bits = (UInt128(generator.next() as UInt64) << 64) | UInt128(generator.next() as UInt64)
        var token = ""
        for _ in 0..<26 {
            token.append(alphabet[Int(bits & 31)])
            bits >>= 5
        }
        return token
    }

    /// The photos of these cases.
    public func photos(of caseIDs: [Int64]) async throws -> [Int64: [CasePhoto]] {
        try await store.photos(caseIDs: caseIDs)
    }

    /// The photos of one case that `audience` may see.
    public func photos(of record: CaseRecord, for audience: PhotoAudience) async throws -> [CasePhoto] {
        (try await store.photos(caseIDs: [record.id])[record.id] ?? []).filter {
            audience.sees($0, caseIsPublic: record.isPublic)
        }
    }

    /// For lists of public cases (Open311's `media_url`, open data): the path of the display size of each
    /// case's first photo the public may see, the citizen's before an officer's; cases without one are absent.
    public func publicPhotoPaths(of records: [CaseRecord]) async throws -> [Int64: String] {
        let shown = records.filter(\.isPublic)
        let byCase = try await store.photos(caseIDs: shown.map(\.id))
        var paths: [Int64: String] = [:]
        for record in shown {
            let visible = (byCase[record.id] ?? []).filter { $0.isPublic(caseIsPublic: true) }
            let first = visible.first { $0.uploader == .citizen } ?? visible.first
            if let first { paths[record.id] = first.path(.display) }
        }
        return paths
    }

    // MARK: The citizen, later

    /// Statuses in which the citizen may still add photos: until the case is resolved.
    public static let citizenMayAdd: Set<CaseStatus> = [.received, .triage, .assigned, .accepted, .inProgress]

    /// Adds the citizen's photos to their case, proved by the secret, while it is open, up to the limit
    /// of photos per case. - Throws: `caseNotFound`, `invalid_secret`, `case_closed_to_photos`, `too_many_photos`.
    public func addByCitizen(code: String, secret: String, photos: [SpooledPhoto]) async throws -> (CaseRecord, [CasePhoto]) {
        guard let canonical = TrackingCode.canonical(code), let found = try await cases.find(code: canonical, secret: secret)
        else { throw DomainError.caseNotFound }
        guard found.secretMatches else {
            throw found.record.isPublic ? CaseService.invalidSecret : DomainError.caseNotFound
        }
        guard Self.citizenMayAdd.contains(found.record.state.status) else {
            throw DomainError(
                .conflict, code: "case_closed_to_photos", th: "เรื่องนี้ดำเนินการเสร็จแล้ว เพิ่มรูปไม่ได้",
                en: "Photos can be added only until the case is resolved.")
        }
        let existing = try await store.photos(caseIDs: [found.record.id])[found.record.id] ?? []
        let citizens = existing.filter { $0.uploader == .citizen }.count
        guard citizens + photos.count <= limits.maxCount else { throw Self.refusal(.tooMany(limit: limits.maxCount)) }
        let cleaned = try await clean(photos)
        return (found.record, try await attach(cleaned, to: found.record, uploader: .citizen))
    }

    // MARK: Staff

    /// Adds an officer's photos (the result) to a case they may comment on.
    /// - Throws: `caseNotFound` for a case the officer may not see; `action_not_allowed` otherwise.
    public func addByStaff(_ cleaned: [CleanPhoto], to record: CaseRecord, by staff: StaffMember) async throws -> [CasePhoto] {
        guard CaseAccessPolicy.canView(staff, agencyCode: record.state.agencyCode, status: record.state.status) else {
            throw DomainError.caseNotFound
        }
        return try await attach(cleaned, to: record, uploader: .officer, staffID: staff.id)
    }

    /// Hides a photo from the public with a reason (faces, number plates); staff and the citizen still see it.
    /// - Throws: `caseNotFound`; `photo_not_found`; `invalid` for a missing or long reason.
    public func hide(code: String, photoID: Int64, reason: String, by staff: StaffMember, maximumReason: Int = 500)
        async throws -> CasePhoto
    {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= maximumReason else {
            throw DomainError.invalid(
                "invalid_reason", th: "ต้องระบุเหตุผลที่ซ่อนรูป (ไม่เกิน \(maximumReason) ตัวอักษร)",
                en: "Give the reason for hiding the photo (at most \(maximumReason) characters).")
        }
        guard let canonical = TrackingCode.canonical(code), let found = try await cases.find(code: canonical, secret: nil),
            CaseAccessPolicy.canView(staff, agencyCode: found.record.state.agencyCode, status: found.record.state.status)
        else { throw DomainError.caseNotFound }
        guard staff.role != .partner,
            let photo = try await store.hide(
                photoID: photoID, caseID: found.record.id, reason: reason, staffID: staff.id, at: clock())
        else { throw Self.photoNotFound }
        return photo
    }

    static let photoNotFound = DomainError(.notFound, code: "photo_not_found", th: "ไม่พบรูป", en: "No such photo.")

    // MARK: Serving

    /// Who asks for a photo's image.
    public enum Viewer: Sendable {
        case anyone
        /// Someone who gave a case's tracking secret (header on the API, cookie on the case page).
        case secret(String)
        case staff(StaffMember)
    }

    /// One image to send.
    public struct Served: Sendable {
        public var bytes: [UInt8]
        public var contentType: String
        /// SHA-256 of the bytes (hex): the ETag.
        public var sha256: String
        /// Whether anyone may see it (shared caches may keep it), or only the case's citizen and staff.
        public var isPublic: Bool
    }

    /// The image of a photo, if `viewer` may see it: anyone when the case is public and the photo not
    /// hidden; the citizen with the case's secret; staff who may see the case. Everything else is the
    /// same not-found as a token that never existed.
    public func image(token: String, size: PhotoSize, viewer: Viewer, caseCode: String? = nil) async throws -> Served {
        guard token.count == 26, token.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }),
            let found = try await store.image(token: token, size: size), let image = found.image
        else { throw Self.photoNotFound }
        if let caseCode, TrackingCode.canonical(caseCode) != found.caseCode { throw Self.photoNotFound }
        let isPublic = found.photo.isPublic(caseIsPublic: found.caseIsPublic)
        var allowed = isPublic
        if !allowed {
            switch viewer {
            case .anyone: break
            case .secret(let secret):
                allowed = try await cases.find(code: found.caseCode, secret: secret)?.secretMatches ?? false
            case .staff(let staff):
                allowed = CaseAccessPolicy.canView(staff, agencyCode: found.caseAgency, status: found.caseStatus)
            }
        }
        guard allowed else { throw Self.photoNotFound }
        return Served(bytes: image.bytes, contentType: found.photo.contentType, sha256: image.sha256, isPublic: isPublic)
    }

    // MARK: Statistics

    /// The share of cases with the citizen's photos, and of finished cases with an officer's result photos.
    public struct Shares: Sendable {
        public var cases: Int
        public var withPhotos: Int
        public var finished: Int
        public var finishedWithResultPhotos: Int
    }

    /// - Parameters: `cases` and `finished` (resolved or closed): all cases, from the statistics' facts.
    public func shares(cases: Int, finished: Int) async throws -> Shares {
        let counts = try await store.counts()
        return Shares(
            cases: cases, withPhotos: counts.withPhotos, finished: finished,
            finishedWithResultPhotos: counts.finishedWithResultPhotos)
    }
}
