package dev.runnel.registry.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runnel.registry.fixture.Api;
import dev.runnel.testsupport.RunnelInfrastructure;
import dev.runnel.testsupport.RunnelPlatform;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RunnelPlatform.class)
class PackageResourceTest {

    @Test
    void seedPackageJsonIsAcceptedAsWritten() {
        Api api = Api.newProject();
        String project = api.project;
        api.post("/packages", api.seedPackage(api.codebase())).statusCode(201)
                .body("name", equalTo("default_package")).body("projectId", equalTo(project))
                .body("version", equalTo(1))
                .body("modules[0].name", equalTo("default_module"))
                .body("modules[0].functions[0].input[0].type", equalTo("Item"))
                .body("codebase.type", equalTo("blob"));
    }

    @Test
    void defaultsFollowTheSeed() {
        Api api = Api.newProject();
        ObjectNode minimal = api.seedPackage(api.codebase());
        minimal.remove("modules");
        api.post("/packages", minimal).statusCode(201)
                .body("modules[0].name", equalTo("default_module"))
                .body("modules[0].entryPoint", equalTo("main.py"))
                .body("modules[0].className", equalTo("ServiceRunner"));
    }

    @Test
    void everyUpdateIsANewImmutableRevision() {
        Api api = Api.newProject();
        String project = api.project;
        String id = api.post("/packages", api.seedPackage(api.codebase())).statusCode(201)
                .extract().path("id");
        String secondCodebase = api.codebase("second.py", "x = 2");
        for (int i = 2; i <= 4; i++) {
            ObjectNode update = Api.mapper().createObjectNode();
            update.put("description", "revision " + i);
            if (i == 3) {
                update.putObject("codebase").put("id", secondCodebase);
            }
            api.patch("/packages/" + id, update).statusCode(200).body("version", equalTo(i));
        }
        api.get("/packages/" + id).statusCode(200).body("version", equalTo(4))
                .body("description", equalTo("revision 4")).body("codebase.id", equalTo(secondCodebase));
        api.get("/packages/" + id + "/revisions").statusCode(200)
                .body("items", hasSize(4)).body("totalItemsCount", equalTo(4))
                .body("items.version", equalTo(List.of(1, 2, 3, 4)))
                .body("items[1].description", equalTo("revision 2"))
                .body("items[1].codebase.id", equalTo(api.get("/packages/" + id + "/revisions/1")
                        .extract().path("codebase.id")))
                .body("items[2].codebase.id", equalTo(secondCodebase));
    }

    @Test
    void listsByProjectAndNameArePaged() {
        Api api = Api.newProject();
        String project = api.project;
        for (int i = 0; i < 3; i++) {
            ObjectNode pkg = api.seedPackage(api.codebase());
            pkg.put("name", "pkg-" + i);
            api.post("/packages", pkg).statusCode(201);
        }
        api.get("/packages?projectId=" + project + "&pageSize=2").statusCode(200).body("items", hasSize(2))
                .body("totalItemsCount", equalTo(3)).body("totalPagesCount", equalTo(2))
                .body("hasNextPage", equalTo(true));
        api.get("/packages?projectId=" + project + "&pageSize=2&page=1").statusCode(200).body("items", hasSize(1))
                .body("hasNextPage", equalTo(false));
        api.get("/packages?projectId=" + project + "&name=pkg-1").statusCode(200).body("items", hasSize(1))
                .body("items[0].name", equalTo("pkg-1"));
        api.get("/packages?projectId=" + Api.newProject().project).statusCode(404)
                .contentType("application/problem+json");
        api.get("/packages").statusCode(400).body("field", equalTo("projectId"));
        api.get("/packages?projectId=" + project + "&pageSize=5000").statusCode(400).body("field", equalTo("pageSize"));
    }

    @Test
    void duplicateNameInAProjectConflicts() {
        Api api = Api.newProject();
        String project = api.project;
        api.post("/packages", api.seedPackage(api.codebase())).statusCode(201);
        api.post("/packages", api.seedPackage(api.codebase())).statusCode(409)
                .contentType("application/problem+json");
        Api other = Api.newProject();
        other.post("/packages", other.seedPackage(other.codebase())).statusCode(201);
    }

    @Test
    void deleteIsRefusedWhileServicesRunUnlessForced() throws Exception {
        Api api = Api.newProject();
        String project = api.project;
        String id = api.post("/packages", api.seedPackage(api.codebase())).statusCode(201)
                .extract().path("id");
        ObjectNode service = Api.mapper().createObjectNode().put("name", "svc").put("packageId", id);
        String serviceId = api.post("/services", service).statusCode(201).extract().path("id");

        api.delete("/packages/" + id).statusCode(409).body("message", containsString("svc"));
        api.get("/packages/" + id).statusCode(200);
        api.delete("/packages/" + id + "?force=true").statusCode(204);
        api.get("/packages/" + id).statusCode(404);
        api.get("/services/" + serviceId).statusCode(404);
        try (Connection c = RunnelInfrastructure.postgres().connect(); ResultSet rs = c.createStatement()
                .executeQuery("SELECT count(*) FROM registry.package_revisions WHERE package_id = '" + id + "'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void invalidPackagesAnswerProblemsNamingTheField() {
        Api api = Api.newProject();
        String project = api.project;
        String codebase = api.codebase("src/other.py", "x = 1");
        invalid(api, codebase, p -> p.remove("name"), "name");
        invalid(api, codebase, p -> p.put("name", "bad name!"), "name");
        invalid(api, codebase, p -> p.remove("projectId"), "projectId");
        invalid(api, codebase, p -> p.remove("codebase"), "codebase");
        invalid(api, codebase, p -> ((ObjectNode) p.get("codebase")).put("id", "nope"), "codebase.id");
        invalid(api, codebase, p -> module(p).put("entryPoint", "missing.py"), "modules[0].entryPoint");
        invalid(api, codebase, p -> module(p).put("entryPoint", "README.md"), "modules[0].entryPoint");
        invalid(api, codebase, p -> module(p).put("className", "not-a-class"), "modules[0].className");
        invalid(api, codebase, p -> function(p).put("name", "2run"), "modules[0].functions[0].name");
        invalid(api, codebase, p -> function(p).put("name", "class"), "modules[0].functions[0].name");
        invalid(api, codebase, p -> functions(p).add(function(p).deepCopy()), "modules[0].functions[1].name");
        invalid(api, codebase, p -> input(p).put("type", "Widget"), "modules[0].functions[0].input[0].type");
        invalid(api, codebase, p -> ((ArrayNode) p.get("modules")).add(module(p).deepCopy()),
                "modules[1].name");
        invalid(api, codebase, p -> p.put("modules", "not a list"), "modules");
        invalid(api, codebase, p -> module(p).putArray("initInputs").addObject().put("name", "x")
                .put("type", "Integer").put("defaultValue", "seven"), "modules[0].initInputs[0].defaultValue");

        ObjectNode nested = api.seedPackage(codebase);
        module(nested).put("entryPoint", "./src/other.py");
        api.post("/packages", nested).statusCode(201).body("modules[0].entryPoint", equalTo("src/other.py"));
        api.get("/packages?projectId=" + project).body("items", hasSize(1));

        api.postRaw("/packages", "{not json").statusCode(400).contentType("application/problem+json")
                .body("message", containsString("malformed JSON"));
    }

    private static void invalid(Api api, String codebase, Consumer<ObjectNode> breakIt, String field) {
        ObjectNode pkg = api.seedPackage(codebase);
        pkg.put("name", "invalid-" + field.replaceAll("[^a-z0-9]", ""));
        breakIt.accept(pkg);
        api.post("/packages", pkg).log().ifValidationFails().statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field)).body("message", containsString(field))
                .body("title", equalTo("Invalid request")).body("status", equalTo(400));
    }

    private static ObjectNode module(ObjectNode pkg) {
        return (ObjectNode) pkg.get("modules").get(0);
    }

    private static ArrayNode functions(ObjectNode pkg) {
        return (ArrayNode) module(pkg).get("functions");
    }

    private static ObjectNode function(ObjectNode pkg) {
        return (ObjectNode) functions(pkg).get(0);
    }

    private static ObjectNode input(ObjectNode pkg) {
        return (ObjectNode) function(pkg).get("input").get(0);
    }
}
