import Pages

@testable import Web

extension PageModelSamples {
    static let consultationRow = ConsultationRow(id: 1, title: "t", agencyName: "a", phaseName: "p", closes: "c", opinions: "1")
    static let themeView = ThemeView(
        id: 1, label: "l", size: "5", words: "w", quotes: [ThemeView.Quote(text: "q")], stances: "s", response: "r")

    static let consultationPages: [any PageModel] = [
        ConsultationListPage(consultations: [consultationRow]),
        ConsultationPage(
            consultationID: 1, heading: "t", agencyName: "a", phaseName: "p", dates: "d", question: "q",
            sections: [ConsultationPage.Section(number: 1, text: "s")], participation: "p", errors: errors,
            verify: ConsultationPage.Verify(address: "a"),
            opinionForm: ConsultationPage.OpinionForm(text: "t", sectionOptions: [option], anonymous: true), themes: [themeView],
            isClosed: true, responsesPublished: true),
        ConsultationCodePage(consultationID: 1, heading: "t", codeID: 1, errors: errors),
        StaffConsultationListPage(consultations: [consultationRow], errors: errors, areas: [option]),
        StaffConsultationPage(
            consultationID: 1, heading: "t", phaseName: "p", participation: "p", live: true, editable: true, published: true,
            themes: [
                StaffConsultationPage.Theme(
                    id: 1, label: "l", size: "5", words: "w", quotes: [ThemeView.Quote(text: "q")], stances: "s", response: "r",
                    others: [option], responseText: "r")
            ]),
    ]
}
