package dev.runnel.bot.issue;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.runnel.bot.key.SigningKeys;
import dev.runnel.bot.token.CallerContext;
import dev.runnel.bot.token.TokenService;
import dev.runnel.kit.error.Refusal;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** Token issuing, the published keys, and key rotation. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    private final TokenExchange exchange;
    private final SigningKeys keys;
    private final CallerContext caller;

    public TokenResource(TokenExchange exchange, SigningKeys keys, CallerContext caller) {
        this.exchange = exchange;
        this.keys = keys;
        this.caller = caller;
    }

    /** {@code POST /token} body. */
    public record TokenRequest(@JsonAlias("api_key") String apiKey) {
    }

    /** An issued token, OAuth style. */
    public record TokenAnswer(@JsonProperty("access_token") String accessToken,
                              @JsonProperty("token_type") String tokenType,
                              @JsonProperty("expires_in") long expiresIn) {
    }

    @POST
    @Path("token")
    @Consumes(MediaType.APPLICATION_JSON)
    public TokenAnswer token(TokenRequest request) {
        TokenService.Issued issued = exchange.exchange(Refusal.requireBody(request).apiKey());
        return new TokenAnswer(issued.token(), "Bearer", issued.expiresIn());
    }

    @GET
    @Path(".well-known/jwks.json")
    public Map<String, Object> jwks() {
        return keys.jwks();
    }

    @POST
    @Path("keys/rotate")
    public Map<String, String> rotate() {
        if (!caller.current().admin()) {
            throw Refusal.notPermitted("only an admin rotates signing keys");
        }
        return Map.of("kid", keys.rotate());
    }
}
