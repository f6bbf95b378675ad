import Storage
import Testing

@Suite("DATABASE_URL parsing")
struct DatabaseConfigurationTests {
    @Test func tcpURL() throws {
        let configuration = try DatabaseConfiguration(url: "postgres://app:s%40cret@db.example.com:6543/editbay?sslmode=require")
        #expect(configuration.endpoint == .tcp(host: "db.example.com", port: 6543))
        #expect(configuration.username == "app")
        #expect(configuration.password == "s@cret")
        #expect(configuration.database == "editbay")
        #expect(configuration.requireTLS)
    }

    @Test func unixSocketURL() throws {
        let configuration = try DatabaseConfiguration(url: "postgresql://editbay@localhost/app?host=/run/postgresql")
        #expect(configuration.endpoint == .unixSocket(path: "/run/postgresql/.s.PGSQL.5432"))
        #expect(!configuration.requireTLS)
    }

    @Test(arguments: ["mysql://a@b/c", "postgres://a@b", "postgres://host/db", "not a url"])
    func rejectsBadURLs(_ url: String) {
        let error = #expect(throws: StorageError.self) { try DatabaseConfiguration(url: url) }
        #expect(error?.code == .invalidDatabaseURL)
    }
}
