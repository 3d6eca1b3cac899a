using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace TensorCash.Serving;

/// <summary>
/// Who sent a request, for fair scheduling and the per-client queue share (<see cref="FairRequestQueue{T}"/>), and
/// the API-key check that establishes it.
///
/// With API keys configured, a client is the key it authenticated with ("key:N", N its position in the list; the
/// key itself is never kept or shown). Without keys, a client is its remote IP address ("ip:ADDRESS"). The OpenAI
/// "user" field is not used: a client chooses it freely, so a flooder could claim a new identity per request.
/// </summary>
public static class ClientIdentity
{
    private const string ItemKey = "tensorcash.client";

    /// <summary>The identity the API-key check recorded, else the remote address.</summary>
    public static string Of(HttpContext http) =>
        http.Items.TryGetValue(ItemKey, out var client) && client is string id ? id : $"ip:{http.Connection.RemoteIpAddress}";

    /// <summary>
    /// Middleware: every request needs "Authorization: Bearer KEY" with one of <paramref name="keys"/> (401 otherwise).
    /// Each key is compared in constant time and all of them are compared, so response times reveal neither a key's
    /// bytes nor which key matched.
    /// </summary>
    public static Func<HttpContext, RequestDelegate, Task> RequireApiKeys(IReadOnlyList<string> keys)
    {
        byte[][] expected = keys.Select(key => Encoding.UTF8.GetBytes("Bearer " + key)).ToArray();
        return (http, next) =>
        {
            byte[] given = Encoding.UTF8.GetBytes(http.Request.Headers.Authorization.ToString());
            int match = -1;
            for (int i = 0; i < expected.Length; i++)
                if (CryptographicOperations.FixedTimeEquals(given, expected[i]) && match < 0) match = i;
            if (match < 0)
                return CompletionEndpoint.WriteError(http, new ApiException(401, "invalid_request_error",
                    "missing or wrong API key; send 'Authorization: Bearer KEY'", null, "invalid_api_key"));
            http.Items[ItemKey] = $"key:{match}";
            return next(http);
        };
    }
}
