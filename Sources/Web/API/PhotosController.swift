import Domain
import Foundation
import Hummingbird
import Services

/// Serves photos' images: `GET /photos/{token}/{display|thumbnail}.{jpg|webp}`. A public case's
/// photo (not hidden) is served to anyone and may be cached; any other only with the case's secret
/// (`X-Tracking-Secret`) or a staff token that may see the case, and is 404 otherwise, as is a token
/// that never existed.
struct PhotosController {
    let photos: PhotoService
    let accounts: StaffAccounts

    func addRoutes(to router: Router<SiangRequestContext>) {
        router.get("photos/{photo}/{file}", use: serve)
    }

    @Sendable func serve(_ request: Request, context: SiangRequestContext) async throws -> Response {
        var viewer = PhotoService.Viewer.anyone
        if let token = RateLimitMiddleware.bearerToken(request), let staff = try await accounts.authenticate(token: token) {
            viewer = .staff(staff)
        } else if let secret = request.headers[.trackingSecret], !secret.isEmpty {
            viewer = .secret(secret)
        }
        return try await Self.serve(request, context: context, photos: photos, viewer: viewer, caseCode: nil)
    }

    /// Serves the image `{token}/{file}` names to `viewer` (also used by the case pages, with the
    /// browser's tracking cookie or staff session).
    static func serve(
        _ request: Request, context: SiangRequestContext, photos: PhotoService, viewer: PhotoService.Viewer,
        caseCode: String?
    ) async throws -> Response {
        guard let token = context.parameters.get("photo"), let file = context.parameters.get("file"),
            let size = PhotoSize(rawValue: String(file.prefix { $0 != "." }))
        else { throw notFound }
        let served: PhotoService.Served
        do {
            served = try await photos.image(token: token, size: size, viewer: viewer, caseCode: caseCode)
        } catch let error as DomainError where error.kind == .notFound {
            throw notFound
        }
        let etag = "\"\(served.sha256)\""
        var headers: HTTPFields = [
            .contentType: served.contentType,
            // Never sniffed as anything else, never run as a page even if opened directly.
            .xContentTypeOptions: "nosniff",
            .contentSecurityPolicy: "default-src 'none'; sandbox",
            .eTag: etag,
            // Public photos may be cached, briefly: staff can hide one, and the case can become private.
            .cacheControl: served.isPublic ? "public, max-age=300" : "private, no-store",
        ]
        if !served.isPublic { headers[.vary] = "Authorization, X-Tracking-Secret, Cookie" }
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(served.bytes.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: served.bytes)))
    }

    static let notFound = APIError(status: .notFound, code: "photo_not_found", th: "ไม่พบรูป", en: "No such photo.")
}
