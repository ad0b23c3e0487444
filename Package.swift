// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "siang",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "siang", targets: ["siang"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
    ],
    targets: [
        .target(
            name: "CICUBreak",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icudata")]
        ),
        .target(name: "ThaiText", dependencies: ["CICUBreak"], swiftSettings: swiftSettings),
        .target(
            name: "Classification",
            dependencies: ["ThaiText", .product(name: "CSV", package: "CSV.swift")],
            swiftSettings: swiftSettings
        ),
        .target(name: "Domain", swiftSettings: swiftSettings),
        .target(
            name: "SeedData",
            dependencies: ["Domain", "Classification", "ThaiText", .product(name: "CSV", package: "CSV.swift")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "siang",
            dependencies: [
                "ThaiText",
                "Classification",
                "Domain",
                "SeedData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ThaiTextTests", dependencies: ["ThaiText"], swiftSettings: swiftSettings),
        .testTarget(name: "ClassificationTests", dependencies: ["Classification"], swiftSettings: swiftSettings),
    ]
)
