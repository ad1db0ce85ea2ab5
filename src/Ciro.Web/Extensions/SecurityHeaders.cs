namespace Ciro.Web.Extensions;

/// <summary>Headers on every response. The CSP allows scripts and styles from this origin only (the Vite build
/// emits no inline script), the hub's WebSocket on the same origin, and no framing.</summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts(); // only on HTTPS responses; plain-HTTP local runs are unaffected
        }
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY"; // frame-ancestors for browsers without CSP level 2
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return next(context);
        });
        return app;
    }
}
