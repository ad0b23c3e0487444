import Domain
import Foundation
import Hummingbird
import NIOCore
import Pages
import Services

/// The stylesheet and script, served from memory. Their URLs carry a hash of the content, so
/// browsers may keep them for a year and still get a new file the day it changes.
struct PageAssets {
    let renderer: PageRenderer

    func addRoutes(to router: Router<SiangRequestContext>) {
        router.get("assets/{name}", use: asset)
    }

    @Sendable func asset(_ request: Request, context: SiangRequestContext) async throws -> Response {
        guard let name = context.parameters.get("name"), let asset = renderer.assets[name] else { throw PageError.notFound }
        let current = request.uri.queryParameters.get("v") == asset.version
        return Response(
            status: .ok,
            headers: [
                .contentType: asset.contentType, .xContentTypeOptions: "nosniff",
                .cacheControl: current ? "public, max-age=31536000, immutable" : "public, max-age=300",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
