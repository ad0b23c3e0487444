import Domain
import Foundation
import Hummingbird
import Services
import Statistics

/// The staff side of consultations under `/api/v1/agency/consultations` (a staff token): open one,
/// read its opinions and themes (live while it runs), rename, merge and split themes, respond to
/// each, and publish the responses.
struct ConsultationsStaffController {
    let consultations: ConsultationService

    func addRoutes(to group: RouterGroup<SiangRequestContext>) {
        group.post("consultations", use: open)
        group.get("consultations", use: list)
        group.get("consultations/{id}/opinions", use: opinions)
        group.get("consultations/{id}/themes", use: themes)
        group.post("consultations/{id}/themes/{theme}/rename", use: rename)
        group.post("consultations/{id}/themes/{theme}/merge", use: merge)
        group.post("consultations/{id}/themes/{theme}/split", use: split)
        group.post("consultations/{id}/themes/{theme}/response", use: respond)
        group.post("consultations/{id}/publish", use: publish)
    }

    /// `{"title", "question", "sections": ["…"], "area", "opens_at", "closes_at", "allows_anonymous",
    /// "agency" (administrators)}`; dates as "YYYY-MM-DD" (midnight in Bangkok) or ISO 8601.
    struct OpenBody: Decodable {
        var agency: String?
        var title: String
        var question: String
        var sections: [String]?
        var area: String?
        var opens_at: String
        var closes_at: String
        var allows_anonymous: Bool?
    }

    @Sendable func open(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let body = try JSONBody.decode(OpenBody.self, from: try await JSONBody.bytes(of: request, context: context))
        let consultation = try await consultations.open(
            by: staff,
            .init(
                agencyCode: body.agency, title: body.title, question: body.question, sections: body.sections ?? [],
                areaCode: body.area, opensAt: try BudgetStaffController.date(body.opens_at, field: "opens_at"),
                closesAt: try BudgetStaffController.date(body.closes_at, field: "closes_at"),
                allowsAnonymous: body.allows_anonymous ?? false))
        return try JSONResponse.make(
            ConsultationJSON.item(consultation, phase: consultations.phase(of: consultation)), status: .created,
            headers: [.location: "/api/v1/consultations/\(consultation.id)"])
    }

    struct ListJSON: Encodable {
        var consultations: [ConsultationJSON.Item]
    }

    @Sendable func list(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let figures = try await consultations.figures().filter {
            staff.role == .admin || $0.consultation.agencyCode == staff.agencyCode
        }
        return try JSONResponse.make(
            ListJSON(consultations: figures.map { ConsultationJSON.item($0.consultation, phase: $0.phase, participation: $0.participation) }),
            headers: [.cacheControl: "no-store"])
    }

    struct OpinionsJSON: Encodable {
        var opinions: [ConsultationJSON.Opinion]
    }

    @Sendable func opinions(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let found = try await consultations.opinions(id: try ConsultationsController.id(context), by: try AgencyController.staff(context))
        return try JSONResponse.make(
            OpinionsJSON(opinions: found.map { ConsultationJSON.opinion($0, staff: true) }), headers: [.cacheControl: "no-store"])
    }

    struct ThemesJSON: Encodable {
        var consultation: ConsultationJSON.Item
        /// Whether the themes are grouped afresh at each reading (the consultation is still open).
        var live: Bool
        var themes: [ConsultationJSON.Theme]
    }

    func themesReply(_ id: Int64, staff: StaffMember, status: HTTPResponse.Status = .ok) async throws -> Response {
        let found = try await consultations.staffThemes(id: id, by: staff)
        return try JSONResponse.make(
            ThemesJSON(
                consultation: ConsultationJSON.item(found.consultation, phase: consultations.phase(of: found.consultation)),
                live: found.live, themes: found.themes.map(ConsultationJSON.theme)),
            status: status, headers: [.cacheControl: "no-store"])
    }

    @Sendable func themes(_ request: Request, context: SiangRequestContext) async throws -> Response {
        try await themesReply(try ConsultationsController.id(context), staff: try AgencyController.staff(context))
    }

    static func theme(_ context: SiangRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("theme"), let id = Int64(text), id > 0 else { throw DomainError.themeNotFound }
        return id
    }

    struct RenameBody: Decodable {
        var label: String
    }

    @Sendable func rename(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let id = try ConsultationsController.id(context)
        let body = try JSONBody.decode(RenameBody.self, from: try await JSONBody.bytes(of: request, context: context))
        try await consultations.rename(id: id, themeID: try Self.theme(context), label: body.label, by: staff)
        return try await themesReply(id, staff: staff)
    }

    struct MergeBody: Decodable {
        /// The themes that join this one.
        var from: [Int64]
    }

    @Sendable func merge(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let id = try ConsultationsController.id(context)
        let body = try JSONBody.decode(MergeBody.self, from: try await JSONBody.bytes(of: request, context: context))
        try await consultations.merge(id: id, into: try Self.theme(context), from: body.from, by: staff)
        return try await themesReply(id, staff: staff)
    }

    struct SplitBody: Decodable {
        /// The opinions that leave for the new theme; without them, grouping divides the theme.
        var opinion_ids: [Int64]?
        var label: String?
    }

    struct SplitJSON: Encodable {
        var new_theme_id: Int64
        var themes: [ConsultationJSON.Theme]
    }

    @Sendable func split(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let id = try ConsultationsController.id(context)
        let data = try await JSONBody.bytes(of: request, context: context)
        let body = data.isEmpty ? SplitBody() : try JSONBody.decode(SplitBody.self, from: data)
        let new = try await consultations.split(
            id: id, themeID: try Self.theme(context), opinionIDs: body.opinion_ids, label: body.label, by: staff)
        let themes = try await consultations.staffThemes(id: id, by: staff).themes
        return try JSONResponse.make(
            SplitJSON(new_theme_id: new, themes: themes.map(ConsultationJSON.theme)), status: .created,
            headers: [.cacheControl: "no-store"])
    }

    struct ResponseBody: Decodable {
        var text: String
    }

    @Sendable func respond(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let id = try ConsultationsController.id(context)
        let body = try JSONBody.decode(ResponseBody.self, from: try await JSONBody.bytes(of: request, context: context))
        try await consultations.respond(id: id, themeID: try Self.theme(context), text: body.text, by: staff)
        return try await themesReply(id, staff: staff)
    }

    @Sendable func publish(_ request: Request, context: SiangRequestContext) async throws -> Response {
        let staff = try AgencyController.staff(context)
        let consultation = try await consultations.publish(id: try ConsultationsController.id(context), by: staff)
        return try JSONResponse.make(
            ConsultationJSON.item(consultation, phase: consultations.phase(of: consultation)), headers: [.cacheControl: "no-store"])
    }
}
