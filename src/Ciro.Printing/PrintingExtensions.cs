using Microsoft.Extensions.DependencyInjection;

namespace Ciro.Printing;

public static class PrintingExtensions
{
    /// <summary>The one PDF renderer; <paramref name="configure"/> fills its options from the service's own section.</summary>
    public static IServiceCollection AddPdfRenderer(this IServiceCollection services, Action<PdfRendererOptions, IServiceProvider> configure)
    {
        services.AddOptions<PdfRendererOptions>().Configure<IServiceProvider>((o, provider) => configure(o, provider));
        services.AddSingleton<PdfRenderer>();
        return services;
    }
}
