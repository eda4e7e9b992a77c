import { TestDatabases } from "../../peers/postgres";
import { isolationSuite } from "./isolation-suite";

const databases = new TestDatabases();
isolationSuite("PostgreSQL", () => databases.fresh(), () => databases.dropAll());
